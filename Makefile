# The two commands of the README, each installing what it needs first.
.PHONY: demo test

demo:
	scripts/install-system-packages build
	swift run focal serve --demo

# The mail tests start the built `focal` binary (crash and two-instance tests), so it is built first.
test:
	scripts/install-system-packages test
	swift build --product focal
	swift test
