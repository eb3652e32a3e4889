// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "git-backport",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "git-backport", targets: ["git-backport"]),
        .library(name: "Backport", targets: ["Backport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // libgit2 from the system (Debian: libgit2-dev). Only `Git` imports it.
        .systemLibrary(
            name: "CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]
        ),
        // The Swift wrapper over libgit2: no C type leaves this module.
        .target(name: "Git", dependencies: ["CLibGit2"]),
        // The engine: finding fixes, choosing targets, picking, classifying, reports.
        .target(name: "Backport", dependencies: ["Git"]),
        // The thin command line.
        .executableTarget(
            name: "git-backport",
            dependencies: [
                "Backport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The benchmark's libgit2 floor (a plain git_cherrypick_commit loop); Scripts/bench runs it.
        .executableTarget(name: "backport-bench", dependencies: ["Git"]),
        // Fixture repositories built with the git command line, for every test target.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "GitTests", dependencies: ["Git", "TestSupport"]),
        .testTarget(name: "BackportTests", dependencies: ["Backport", "Git", "TestSupport"]),
        // Runs the built binary: depends on it so `swift test` builds it first.
        .testTarget(name: "EndToEndTests", dependencies: ["git-backport", "TestSupport"], exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
