#!/usr/bin/env bash
# Compiles the app's pure-logic module (android_demo/core: no Android imports) and its JUnit4
# tests with kotlinc, then runs them. Needs Debian's packages: apt-get install -y kotlin junit4
# (kotlinc 1.3.31, /usr/share/java/junit4.jar, hamcrest). Exits non-zero if a test fails.
# On a machine with the Android toolchain, `./gradlew :core:test` runs the same tests.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
JARS="${JAVA_JARS:-/usr/share/java}"
KOTLINC="${KOTLINC:-kotlinc}"
for jar in junit4.jar hamcrest-core.jar kotlin-stdlib.jar; do
    if [ ! -f "$JARS/$jar" ]; then
        echo "missing $JARS/$jar: apt-get install -y kotlin junit4" >&2
        exit 2
    fi
done
OUT="$(mktemp -d "${TMPDIR:-/tmp}/albert-android-jvm.XXXXXX")"
trap 'rm -rf "$OUT"' EXIT
CP="$JARS/junit4.jar:$JARS/hamcrest-core.jar"
MAIN="$HERE/core/src/main/kotlin"
TEST="$HERE/core/src/test/kotlin"

"$KOTLINC" -nowarn -d "$OUT/main" $(find "$MAIN" -name '*.kt' | sort)
"$KOTLINC" -nowarn -cp "$OUT/main:$CP" -d "$OUT/test" $(find "$TEST" -name '*.kt' | sort)

# Test classes: every *Test.kt file names one class in its package.
CLASSES=$(cd "$TEST" && find . -name '*Test.kt' | sort | sed -e 's|^\./||' -e 's|\.kt$||' -e 's|/|.|g')
java -cp "$OUT/main:$OUT/test:$CP:$JARS/kotlin-stdlib.jar" org.junit.runner.JUnitCore $CLASSES
