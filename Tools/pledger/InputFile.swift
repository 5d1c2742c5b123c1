import Foundation

/// An input file open for reading from its start as often as needed (``JSONLines/Reader`` reads it with
/// `pread`): the named file itself, or for `-` standard input copied to a temporary file.
///
/// Why a copy of standard input: an appending transaction that finds the map full runs again from the
/// start, reading its input again, and a pipe cannot be read twice. The copy is unlinked as soon as it
/// is made, so nothing is left behind whatever becomes of the process; it takes disk, not memory.
final class InputFile {
    let descriptor: Int32

    init(_ path: String) throws {
        if path == "-" {
            descriptor = try InputFile.copyOfStandardInput()
            return
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = switch errno {
            case ENOENT: "no such file"
            case EACCES: "permission denied"
            default: String(cString: strerror(errno))
            }
            throw CLIError.cannotRead(path, reason)
        }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_mode & S_IFMT != S_IFDIR else {
            close(fd)
            throw CLIError.cannotRead(path, "it is a directory")
        }
        descriptor = fd
    }

    deinit { close(descriptor) }

    private static func copyOfStandardInput() throws -> Int32 {
        var template = Array((NSTemporaryDirectory() + "/pledger-import-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { $0.baseAddress.map { mkstemp($0) } ?? -1 }
        guard fd >= 0 else { throw CLIError.cannotWrite("a temporary copy of standard input", String(cString: strerror(errno))) }
        template.withUnsafeBufferPointer { if let name = $0.baseAddress { _ = unlink(name) } }
        var block = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = block.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd)
                throw CLIError.cannotRead("standard input", reason)
            }
            if got == 0 { return fd }
            var written = 0
            while written < got {
                let n = block.withUnsafeBytes { write(fd, $0.baseAddress.map { $0 + written }, got - written) }
                if n < 0 {
                    if errno == EINTR { continue }
                    let reason = String(cString: strerror(errno))
                    close(fd)
                    throw CLIError.cannotWrite("a temporary copy of standard input", reason)
                }
                written += n
            }
        }
    }
}
