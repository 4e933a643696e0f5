# The two commands of the README, each installing the Debian packages it needs first
# (scripts/system-packages lists them all).
.PHONY: demo test

demo:
	scripts/install-system-packages build
	swift run focal serve --demo

# The mail and command tests start the built `focal` binary, so it is built first. The suite runs in
# a process group of its own: whatever a crashed test process left running is ended with it.
test:
	scripts/install-system-packages test
	swift build --product focal
	scripts/run-in-own-group swift test
