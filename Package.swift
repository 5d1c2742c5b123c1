// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "pledger",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "LMDB", targets: ["LMDB"]),
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "Programme", targets: ["Programme"]),
        .library(name: "Projections", targets: ["Projection", "CurrentState", "Timeline", "AuditTrail", "IATIExport"]),
        .executable(name: "pledger", targets: ["pledger"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // C binding → safe LMDB wrapper → event log → programme domain → projections → tools.
        .systemLibrary(
            name: "CLMDB",
            path: "Sources/CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .target(name: "LMDB", dependencies: ["CLMDB"], path: "Sources/LMDB"),
        .target(
            name: "EventLog",
            dependencies: ["LMDB", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/EventLog"
        ),
        .target(
            name: "Programme",
            dependencies: ["EventLog"],
            path: "Sources/Programme"
        ),
        .target(name: "Projection", dependencies: ["EventLog", "Programme", "LMDB"], path: "Projections/Projection"),
        .target(name: "CurrentState", dependencies: ["Projection"], path: "Projections/CurrentState"),
        .target(name: "Timeline", dependencies: ["Projection"], path: "Projections/Timeline"),
        .target(name: "AuditTrail", dependencies: ["Projection"], path: "Projections/AuditTrail"),
        .target(name: "IATIExport", dependencies: ["Projection", "CurrentState"], path: "Projections/IATIExport"),
        .executableTarget(
            name: "pledger",
            dependencies: [
                "EventLog", "Programme", "Projection", "CurrentState", "Timeline", "AuditTrail", "IATIExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tools/pledger"
        ),
        .executableTarget(
            name: "pledger-stress",
            dependencies: [
                "EventLog", "Programme", "Projection", "CurrentState", "AuditTrail",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tools/pledger-stress"
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "LMDBTests",
            dependencies: ["LMDB", "TestSupport"],
            path: "Tests/LMDBTests"
        ),
        .testTarget(
            name: "EventLogTests",
            dependencies: [
                "EventLog", "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            path: "Tests/EventLogTests"
        ),
        .testTarget(
            name: "ProgrammeTests",
            dependencies: ["Programme", "EventLog", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based")],
            path: "Tests/ProgrammeTests",
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "ProjectionTests",
            dependencies: [
                "Projection", "CurrentState", "Timeline", "AuditTrail", "IATIExport", "Programme", "EventLog", "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            path: "Tests/ProjectionTests"
        ),
        .testTarget(
            name: "PledgerCLITests",
            dependencies: ["pledger", "pledger-stress", "EventLog", "Programme", "TestSupport"],
            path: "Tests/PledgerCLITests"
        ),
    ]
)
