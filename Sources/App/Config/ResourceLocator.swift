import Foundation

/// Finds Resources/ and Public/ from the package checkout the binary was built in, so the
/// binary works from any working directory.
enum ResourceLocator {
    static func defaultDirectory() -> String {
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Config
            .deletingLastPathComponent()  // App
            .deletingLastPathComponent()  // Sources
            .deletingLastPathComponent()
            .path
        if FileManager.default.fileExists(atPath: packageRoot + "/Resources/Views") {
            return packageRoot
        }
        return FileManager.default.currentDirectoryPath
    }
}
