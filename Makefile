# The two commands of the README, each installing what it needs first.
.PHONY: demo test

demo:
	scripts/install-system-packages build
	swift run focal serve --demo

test:
	scripts/install-system-packages test
	swift test
