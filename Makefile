# Client Portal — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/end2end/node_modules/.bin:$(PATH)

.PHONY: run test setup build lint unit db-test e2e size clean-data fuzz bench-ssr bench-mixed bench-fanout

## make run: install what is missing, build, migrate the SQLite database, load the demo data, serve.
run: setup build
	LEPTOS_SITE_ROOT=target/site LEPTOS_ENV=PROD target/release/server --demo

## make test: every test — lint, unit tests, server + database tests (SQLite and PostgreSQL), Playwright.
test: setup lint unit db-test build size e2e

setup:
	@bash .ci/setup

build:
	cargo leptos build --release --precompress --split
	frontend/islands/build

lint:
	cargo fmt --all -- --check
	cargo clippy -p app -p server -p migrations --all-targets --features app/ssr -- -D warnings
	cargo clippy -p frontend -p app --target wasm32-unknown-unknown --features app/hydrate -- -D warnings
	cargo clippy -p portal-islands --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p portal-islands --target wasm32-unknown-unknown --features tasks -- -D warnings
	cargo clippy -p portal-islands --target wasm32-unknown-unknown --features insurance -- -D warnings

unit:
	cargo test -p app --features ssr
	cargo test -p migrations

db-test:
	cargo test -p server

size:
	node bench/wasm-size

e2e:
	cd end2end && npx playwright test

## make fuzz: every server function fuzzed for 10 minutes (5 on SQLite, then 5 on PostgreSQL).
fuzz:
	FUZZ_SECONDS=300 cargo test -p server --test server fuzz:: -- --nocapture

## make bench-ssr: the portal home's throughput next to a bare handler (SQLite; pass DATABASE_URL=postgres://… for PostgreSQL).
bench-ssr:
	bench/ssr-ratio $(DATABASE_URL)

## make bench-mixed: 64 connections of mixed reads and writes; reports errors (goal: 0).
bench-mixed:
	bench/mixed-load $(DATABASE_URL)

## make bench-fanout: 1,000 open event streams, 100 messages; delivery p50/p99 and statements per message.
bench-fanout:
	bench/live-fanout $(DATABASE_URL)

clean-data:
	rm -rf data
