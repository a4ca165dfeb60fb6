pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "albert-keras-android-demo"
include(":app") // the Android app: screens, view models, Task Library calls
include(":core") // plain Kotlin/JVM: highlighting, formatting, model catalog, latency stats
