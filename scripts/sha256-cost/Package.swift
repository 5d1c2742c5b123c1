// swift-tools-version:6.1
// What one SHA-256 costs through swift-crypto, the way pledger hashes (run by `scripts/sha256-cost/run`).
import PackageDescription

let package = Package(
    name: "sha256-cost",
    dependencies: [.package(url: "https://github.com/apple/swift-crypto", from: "3.12.3")],
    targets: [
        .executableTarget(name: "sha256-cost", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
    ]
)
