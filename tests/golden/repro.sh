#!/usr/bin/env bash
# konform repro: TC-EX-READ-002 Reading an unknown id answers 404
# from report.json: profile dk.konform.example.greetings 1.0.0, run against http://127.0.0.1:<port> at <time>, verdict fail
# needs bash and curl, jq; every response is printed; exits 1 while the failure reproduces, 0 once it is fixed, 2 when nothing could be checked
set -uo pipefail
: "${GREETINGS_TOKEN:?set GREETINGS_TOKEN (a secret konform never writes down)}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
show_answer() { cat "$work/head" "$work/body" 2>/dev/null | LC_ALL=C sed -e 's/\r$//' -e 's/[\x00-\x08\x0b-\x1f\x7f]/?/g' -e 's/\xc2[\x80-\x9f]/?/g' -e 's/\xe2\x80[\x8e\x8f\xaa-\xae]/?/g' -e 's/\xe2\x81[\xa6-\xa9]/?/g' -e 's/^/  | /'; echo; }
reproduced=0 checks=0
status_of() { awk '/^HTTP\//{s=$2} END{print s+0}' "$work/head" 2>/dev/null || echo 0; }
header_of() { sed -n "s/^$1: *//Ip" "$work/head" 2>/dev/null | tr -d '\r' | tail -n 1; }
has_header_of() { grep -qi "^$1:" "$work/head" 2>/dev/null && echo true || echo false; }
# expect WHAT CMD...: CMD exits 0 when what konform expected holds now (3: the
# check itself is broken, which says nothing about the system)
expect() { local what=$1; shift; checks=$((checks + 1)); "$@" >/dev/null 2>&1
  case $? in 0) echo "  holds now: $what" ;;
    3) echo "  could not check: $what"; checks=$((checks - 1)) ;;
    *) echo "  REPRODUCED: $what"; reproduced=1 ;; esac; }

echo '### step 1/1: GET /greetings/{{$uuid}}'
echo 'konform judged this step fail:'
echo '  expected status equals 404; actual 200'
echo '  expected /message {"type":"string"}; actual (no JSON body)'
# recorded: 200
rm -f "$work/head" "$work/body"
curl -sS -D "$work/head" -o "$work/body" --globoff 'http://127.0.0.1:<port>/greetings/<uuid>' -H 'Authorization: Bearer '"${GREETINGS_TOKEN}" || echo "(curl failed: $?)"
show_answer
expect 'expected status equals 404' jq -e -n --argjson v "$(status_of)" --argjson e true 'def at($p): reduce $p[] as $k ({v: ., e: true}; if .e and (.v|type) == "object" and (.v|has($k)) then {v: .v[$k], e: true} elif .e and (.v|type) == "array" and ($k|test("^(0|[1-9][0-9]*)$")) and ($k|tonumber) < (.v|length) then {v: .v[$k|tonumber], e: true} else {v: null, e: false} end); def text: if type == "string" then . else tojson end; def num: if type == "string" then (if test("^-?(0|[1-9][0-9]*)([.][0-9]+)?$") then tonumber else null end) else . end; ($e and (($v == 404) or (($v|type) == "string" and (404|type) == "number" and ($v|num) == 404)))'
expect 'expected /message {"type":"string"}' jq -e 'def at($p): reduce $p[] as $k ({v: ., e: true}; if .e and (.v|type) == "object" and (.v|has($k)) then {v: .v[$k], e: true} elif .e and (.v|type) == "array" and ($k|test("^(0|[1-9][0-9]*)$")) and ($k|tonumber) < (.v|length) then {v: .v[$k|tonumber], e: true} else {v: null, e: false} end); def text: if type == "string" then . else tojson end; def num: if type == "string" then (if test("^-?(0|[1-9][0-9]*)([.][0-9]+)?$") then tonumber else null end) else . end; (at(["message"]) as $a | $a.v as $v | $a.e as $e | ($e and (($v|type) == ("string"))))' "$work/body"

echo
if [ "$checks" -eq 0 ]; then echo 'no failed expectation could be checked by this script'; exit 2; fi
if [ "$reproduced" -ne 0 ]; then echo 'THE FAILURE REPRODUCES'; exit 1; fi
echo 'FIXED: every failed expectation holds now'; exit 0
