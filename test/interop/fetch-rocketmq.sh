#!/usr/bin/env bash
# Fetches the jars of one Apache RocketMQ release into test/interop/.cache/rocketmq-<version>/lib
# (git-ignored) and compiles java/InteropClient.java against them into .../classes.
# Usage: test/interop/fetch-rocketmq.sh [version]        (default 5.3.3; 4.x lines use the rmq4 profile)
# A second run is a no-op: the jars are kept behind a marker file, and javac runs only when the
# source is newer than the class file. Maven's local repository stays the default (~/.m2), so a
# fresh clone on the same machine copies from there instead of downloading again.
set -euo pipefail

version="${1:-5.3.3}"
case "$version" in
  [0-9]*.[0-9]*.[0-9]*) ;;
  *) echo "fetch-rocketmq.sh: not a version: '$version'" >&2; exit 2 ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="$here/.cache/rocketmq-$version"
lib="$dest/lib"
classes="$dest/classes"
marker="$dest/.jars-complete"

for tool in java javac mvn; do
  command -v "$tool" >/dev/null 2>&1 || { echo "fetch-rocketmq.sh: '$tool' not found on PATH" >&2; exit 3; }
done

if [ ! -f "$marker" ]; then
  start=$(date +%s)
  line_flag=()
  case "$version" in 4.*) line_flag=(-Drocketmq.line=4) ;; esac
  # Copy into a scratch folder and rename at the end, so an interrupted run never looks complete.
  tmp="$dest/lib.partial.$$"
  rm -rf "$tmp"
  mkdir -p "$dest"
  # Maven's output goes to stderr: stdout is this script's answer (the cache folder, last line), and even `-q`
  # writes ANSI reset codes there, which turned the path into a classpath no JVM could load (cold cache only).
  mvn -q -B -Dstyle.color=never -f "$here/maven/pom.xml" "${line_flag[@]}" -Drocketmq.version="$version" \
    -DincludeScope=runtime -DoutputDirectory="$tmp" dependency:copy-dependencies >&2
  rm -rf "$lib"
  mv "$tmp" "$lib"
  touch "$marker"
  echo "fetch-rocketmq.sh: $version jars in $lib ($(ls "$lib" | wc -l) files, $(( $(date +%s) - start )) s)" >&2
fi

src="$here/java/InteropClient.java"
if [ ! -f "$classes/InteropClient.class" ] || [ "$src" -nt "$classes/InteropClient.class" ]; then
  tmpc="$dest/classes.partial.$$"
  rm -rf "$tmpc"
  mkdir -p "$tmpc"
  javac -nowarn -encoding UTF-8 -cp "$lib/*" -d "$tmpc" "$src" 2>&1 | grep -v '^warning: \[options\]' >&2 || true
  [ -f "$tmpc/InteropClient.class" ] || { echo "fetch-rocketmq.sh: javac failed" >&2; rm -rf "$tmpc"; exit 4; }
  rm -rf "$classes"
  mv "$tmpc" "$classes"
fi

echo "$dest"
