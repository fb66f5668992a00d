# Rollcall: the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
export PATH := $(CARGO_BIN):$(PATH)
# Every cargo invocation uses the same features, so clippy, tests and the app share one build.
FEATURES := --features custom-protocol
APP := target/debug/rollcall

.PHONY: help demo dev test e2e bench-app deps deps-build ui bindings app fmt clippy nextest check-bindings ui-checks actionlint deb package package-check updater-key clean

help:
	@echo "make demo   install what is missing, build, open Rollcall on the demo organisation"
	@echo "make test   install what is missing, run every check (fmt, clippy, tests, bindings, UI, e2e)"
	@echo "make e2e    the end-to-end suite alone (real app under Xvfb)"
	@echo "make bench-app  benchmark the app over a cached 50,000 / 50,000 org (prints figures)"
	@echo "make package  build the Linux packages (.deb and .rpm, target/release/bundle/)"
	@echo "make package-check  install the .deb here and start it headless on the demo to its first rows"
	@echo "make updater-key    make the key pair that signs updates (public key into tauri.conf.json)"

deps-build:
	@bash .ci/deps.sh build

deps:
	@bash .ci/deps.sh test

# The front end (needs the committed ui/src/bindings.ts) -> ui/dist, embedded by custom-protocol builds.
ui:
	cd ui && npm run build

app: ui
	cargo build $(FEATURES) --bin rollcall

demo: deps-build app
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "make demo: no display (DISPLAY/WAYLAND_DISPLAY unset). Run it in a desktop session, or headless: xvfb-run -a $(APP) --demo"; exit 1; fi
	$(APP) --demo

# Live-reloading development window (Vite dev server + debug build without custom-protocol).
dev: deps-build
	ui/node_modules/.bin/tauri dev -- -- --demo

bindings:
	cargo run --quiet $(FEATURES) --example export-bindings -- ui/src/bindings.ts ui/src/test/vocabulary.json

# ---- checks, in the order `make test` runs them; the first failure stops the run ----
fmt:
	cargo fmt --all -- --check

clippy:
	cargo clippy $(FEATURES) --workspace --all-targets -- -D warnings

nextest:
	cargo nextest run $(FEATURES) --workspace

check-bindings: bindings
	@git diff --exit-code -- ui/src/bindings.ts ui/src/test/vocabulary.json || { \
	  echo "ui/src/bindings.ts or ui/src/test/vocabulary.json is stale: the commands or the labels changed. Commit the regenerated files."; exit 1; }

ui-checks: actionlint
	cd ui && npx tsc --noEmit
	cd ui && npx eslint --max-warnings 0 .
	cd ui && npx prettier --check .
	cd ui && npx vitest run

# The GitHub Actions workflows (release and CI), with actionlint's WebAssembly build from npm.
actionlint:
	cd ui && node scripts/actionlint.mjs ../.github/workflows

e2e: deps ui
	cargo build $(FEATURES) --bin rollcall
	cargo build -p jcsim --bin jcsim
	tests/e2e/run.sh $(APP)

test: deps ui
	$(MAKE) --no-print-directory fmt clippy nextest check-bindings ui-checks
	cargo build $(FEATURES) --bin rollcall
	cargo build -p jcsim --bin jcsim
	tests/e2e/run.sh $(APP)

# The desktop app over a cached 50,000 / 50,000 org (release build; prints figures).
bench-app: deps ui
	cargo build --release $(FEATURES) --bin rollcall
	cargo build --release -p jcsim --bin jcsim
	cargo build --release -p rollcall-core --bin rollcall-sync
	ROLLCALL_E2E_SCRIPT=bench.mjs tests/e2e/run.sh target/release/rollcall

deb: deps-build
	ui/node_modules/.bin/tauri build --bundles deb
	@ls target/release/bundle/deb/*.deb

# The Linux packages this machine can build (macOS and Windows bundles come from the release
# workflow, each on its own OS's runner).
package: deps-build
	ui/node_modules/.bin/tauri build --bundles deb,rpm
	@ls -l target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm

# Installs the .deb on this machine (root) and starts the installed app headless on the demo
# organisation to its first rows, printing the times. Not part of `make test`.
package-check: deps
	@deb=$$(ls -t target/release/bundle/deb/*.deb | head -1); \
	  echo "package-check: installing $$deb"; \
	  start=$$(date +%s); apt-get install -y -qq --reinstall "./$$deb" >/dev/null; \
	  echo "package-check: installed in $$(( $$(date +%s) - start )) s: $$(dpkg -L rollcall | grep -E 'bin/rollcall$$|\.desktop$$' | tr '\n' ' ')"
	cargo build -p jcsim --bin jcsim
	ROLLCALL_E2E_JCSIM=$(CURDIR)/target/debug/jcsim ROLLCALL_E2E_SCRIPT=package.mjs tests/e2e/run.sh /usr/bin/rollcall

updater-key: deps-build
	@bash .ci/updater-key.sh

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules
