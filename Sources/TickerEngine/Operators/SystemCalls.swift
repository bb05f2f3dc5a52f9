import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `pipe2` and the `posix_spawn_file_actions_*_np` functions are GNU extensions, hidden from Swift's
/// Glibc module (it is not built with _GNU_SOURCE), so they are looked up at run time.
enum LibC {
    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// Looked up per call (a few microseconds, once per spawn) rather than cached, because C
    /// function pointers and library handles cannot be stored in `Sendable` globals.
    private static func symbol<T>(_ name: String, as type: T.Type) -> T? {
        // A nil handle is glibc's RTLD_DEFAULT: search every library the process has loaded.
        dlsym(nil, name).map { unsafeBitCast($0, to: type) }
    }

    /// Falls back to `pipe` + `fcntl`, which leaves a short window for a concurrent spawn.
    static func pipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32 {
        if let pipe2 = symbol("pipe2", as: Pipe2.self) {
            return pipe2(fds, flags)
        }
        guard pipe(fds) == 0 else { return -1 }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return 0
    }

    static func addChdir(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: String) throws {
        guard let addChdir = symbol("posix_spawn_file_actions_addchdir_np", as: AddChdir.self) else {
            throw OperatorError("working_dir needs posix_spawn_file_actions_addchdir_np, which this system's C library lacks (glibc 2.29 or later has it)")
        }
        let result = addChdir(actions, path)
        guard result == 0 else {
            throw OperatorError("could not set working_dir \(path): \(errorText(result))")
        }
    }

    /// Closes every descriptor from `lowest` up in the child (glibc 2.34 or later). Ticker marks
    /// its own descriptors close-on-exec, but it may have inherited others from whatever started
    /// it; a command must not hold those open, or its parent's supervisor waits on them. On an
    /// older C library this does nothing.
    static func addCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: Int32) {
        _ = symbol("posix_spawn_file_actions_addclosefrom_np", as: AddCloseFrom.self)?(actions, lowest)
    }

    static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// What /proc says about processes (Linux only).
enum ProcessTable {
    /// Whether any process in the group is alive, i.e. not a zombie. Answers true when /proc
    /// cannot be read, so a caller relying on it errs towards waiting and signalling.
    static func hasLiveMember(inGroup group: pid_t) -> Bool {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return true }
        return entries.contains { entry in
            guard pid_t(entry) != nil, let stat = processStat(entry) else { return false }
            return stat.group == group && stat.state != "Z" && stat.state != "X"
        }
    }

    /// The state letter and process group from `/proc/<pid>/stat`: `pid (comm) S ppid pgrp ...`.
    /// The command name may contain spaces and parentheses, so fields are counted from the last ')'.
    static func processStat(_ pid: String) -> (state: Substring, group: pid_t)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 2, let group = pid_t(fields[2]) else { return nil }
        return (fields[0], group)
    }
}
