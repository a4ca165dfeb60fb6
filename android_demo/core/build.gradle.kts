// Plain Kotlin (no Android): the app's logic, unit tested on the JVM (`./gradlew :core:test`;
// on a machine without Gradle, run_jvm_tests.sh compiles the same files with kotlinc).
import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    alias(libs.plugins.kotlin.jvm)
}

java {
    sourceCompatibility = JavaVersion.VERSION_17
    targetCompatibility = JavaVersion.VERSION_17
}

kotlin {
    compilerOptions {
        jvmTarget.set(JvmTarget.JVM_17)
    }
}

dependencies {
    testImplementation(libs.junit)
}
