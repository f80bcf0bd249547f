// swift-tools-version: 6.2
// regcred: keeps Kubernetes image pull credentials valid everywhere they are needed.
// Modules follow the layers of docs/architecture (shared DESIGN.md): each imports only those below it.
import PackageDescription

// Release executables export no symbols and pack their relative relocations (DT_RELR, glibc
// 2.36+): the static Swift runtime's link arguments export every symbol of every module, so each
// start had the loader read about 6 MB of symbol tables and relocations, resident for the whole
// life of the controller. Measured in docs/benchmarks.md ("Where the resident set lives").
let releaseLinkerSettings: [LinkerSetting] = [
    .unsafeFlags(
        ["-use-ld=lld", "-Xlinker", "--no-export-dynamic", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"],
        .when(platforms: [.linux], configuration: .release)
    ),
]

let package = Package(
    name: "regcred",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "regcred", targets: ["regcred"]),
        .library(name: "RegcredCore", targets: ["RegcredCore"]),
        .library(name: "KubernetesClient", targets: ["KubernetesClient"]),
        .library(name: "CredentialSources", targets: ["CredentialSources"]),
        .library(name: "RegistryProbe", targets: ["RegistryProbe"]),
        .library(name: "KubeSandbox", targets: ["KubeSandbox"]),
        .executable(name: "regcred-sandbox", targets: ["regcred-sandbox"]),
        .executable(name: "regcred-bench", targets: ["regcred-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
    ],
    targets: [
        // Pure: the docker config format, kubelet matching, profiles, planning. No I/O, no clock.
        .target(
            name: "RegcredCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // What went wrong below HTTP: one reading of NIO and async-http-client errors for every
        // module that makes HTTP calls.
        .target(
            name: "NetworkFaults",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Talks to the Kubernetes API: kubeconfig, transport, typed resources, watch, informer.
        .target(
            name: "KubernetesClient",
            dependencies: [
                "RegcredCore",
                "NetworkFaults",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                // FilePath for Subprocess, off Apple platforms (which have System).
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // Registry credentials from providers: static, ECR (SigV4, AWS credential chain), GCP, ACR, GitHub App.
        .target(
            name: "CredentialSources",
            dependencies: [
                "RegcredCore",
                "NetworkFaults",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The Docker Registry v2 auth handshake (Basic, Bearer) and manifest checks.
        .target(
            name: "RegistryProbe",
            dependencies: [
                "RegcredCore",
                "NetworkFaults",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Use cases shared by the CLI and the controller; owns file, stdin and gpg I/O.
        .target(
            name: "Operations",
            dependencies: [
                "RegcredCore",
                "KubernetesClient",
                "CredentialSources",
                "RegistryProbe",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        // Reconcilers, work queue, refresh scheduling, leader election, metrics and health.
        .target(
            name: "Controller",
            dependencies: [
                "RegcredCore",
                "KubernetesClient",
                "CredentialSources",
                "Operations",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                // The webhook's own CA and serving certificate (self-managed TLS).
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // glibc's mallopt for the regcred executable (not exported by Swift's Glibc module).
        .target(name: "CAllocatorTuning"),
        // Thin entry point: flags in, one use case called, output and exit code out. The production
        // binary: no test support (KubeSandbox lives in regcred-sandbox).
        .executableTarget(
            name: "regcred",
            dependencies: [
                "CAllocatorTuning",
                "Operations",
                "RegcredCore",
                "KubernetesClient",
                "CredentialSources",
                "Controller",
                "RegistryProbe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            linkerSettings: releaseLinkerSettings
        ),
        // Test support: an in-memory Kubernetes API server (HTTP/HTTPS) with fault injection.
        .target(
            name: "KubeSandbox",
            dependencies: [
                "RegcredCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                // Calls admission webhooks, as the API server does.
                "NetworkFaults",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // `regcred-sandbox`: runs KubeSandbox on a port and writes a kubeconfig for kubectl.
        .executableTarget(
            name: "regcred-sandbox",
            dependencies: [
                "KubeSandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // `regcred-bench`: loopback benchmarks of the client, the sandbox and the controller (docs/benchmarks.md).
        .executableTarget(
            name: "regcred-bench",
            dependencies: [
                "KubeSandbox", "KubernetesClient", "Controller", "CredentialSources", "Operations", "RegcredCore", "RegistryProbe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            linkerSettings: releaseLinkerSettings
        ),
        .testTarget(name: "RegcredCoreTests", dependencies: ["RegcredCore"]),
        .testTarget(
            name: "CredentialSourcesTests",
            dependencies: [
                "CredentialSources", "RegcredCore", "TestPeers",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            exclude: ["Support/Python"]
        ),
        .testTarget(
            name: "OperationsTests", dependencies: ["Operations", "RegcredCore", "RegistryProbe", "KubernetesClient", "KubeSandbox", "TestPeers"],
            exclude: ["Golden"]),
        .testTarget(
            name: "ControllerTests",
            dependencies: [
                "Controller", "CredentialSources", "RegcredCore", "KubernetesClient", "KubeSandbox", "TestPeers", "Operations",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "KubernetesClientTests",
            dependencies: ["KubernetesClient", "RegcredCore", "KubeSandbox", "TestPeers", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "KubeSandboxTests",
            dependencies: [
                "KubeSandbox",
                "RegcredCore",
                "TestPeers",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "RegistryProbeTests",
            dependencies: [
                "RegistryProbe", "RegcredCore", "TestPeers",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Test support shared by the test targets: child processes, temporary directories, a
        // throw-away CA, OCI layouts, free ports, a docker-registry, moto, kubectl, loopback
        // stand-in servers, captured logs, eventually and withRunning.
        .target(
            name: "TestPeers",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/TestPeers"),
        .testTarget(
            name: "CLITests",
            dependencies: ["RegcredCore", "regcred", "KubeSandbox", "TestPeers"]
        ),
        // The image scripts/image builds: pushed to a real registry, inspected, unpacked and run
        // (only when scripts/test has built it; see REGCRED_IMAGE_LAYOUT).
        .testTarget(name: "ImageTests", dependencies: ["TestPeers"]),
    ],
    swiftLanguageModes: [.v6]
)
