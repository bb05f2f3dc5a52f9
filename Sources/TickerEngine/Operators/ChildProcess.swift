import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What to start as a child process.
struct ChildProcessSpec: Sendable {
    /// The program's absolute path followed by its arguments (`argv`).
    var arguments: [String]
    /// The complete environment of the child.
    var environment: [String: String]
    var workingDirectory: String?
    /// How long the process group gets between SIGTERM and SIGKILL when it is terminated.
    var killGrace: Duration
}

/// How a child process ended.
enum ChildTermination: Sendable, Equatable {
    case exited(status: Int32)
    case signaled(signal: Int32)
}

/// Everything the operator needs to know once a child is gone.
struct ChildOutcome: Sendable, Equatable {
    var termination: ChildTermination
    /// `terminate()` was called before the child finished: the result is not wanted.
    var wasTerminated: Bool
}

/// A child process started in its own process group, with stdin on /dev/null and stdout and
/// stderr streamed line by line into an attempt log.
///
/// Each child has one dedicated thread (`ChildMonitor`) that reads both pipes, reaps the child
/// and sends the termination signals. A plain thread rather than the Swift concurrency pool,
/// because waiting on a process is blocking work: a cooperative thread blocked in `poll` or
/// `waitpid` for the length of a job would starve every other task on a 2-core server. Keeping
/// signalling and reaping on the same thread also means a signal is never sent to a pid that was
/// already reaped (and so possibly reused by an unrelated process).
final class ChildProcess: Sendable {
    let pid: pid_t

    private struct State {
        var terminationRequested = false
        var outcome: ChildOutcome?
        var waiter: CheckedContinuation<ChildOutcome, Never>?
    }

    private let state = Mutex(State())

    private init(pid: pid_t) {
        self.pid = pid
    }

    /// Starts the child. Throws `OperatorError` with the system's reason if it cannot be started.
    static func spawn(_ spec: ChildProcessSpec, log: AttemptLog) throws -> ChildProcess {
        let stdout = try makePipe()
        let stderr: (read: Int32, write: Int32)
        do {
            stderr = try makePipe()
        } catch {
            close(stdout.read)
            close(stdout.write)
            throw error
        }
        // The child holds its own copies of the write ends; ours must close so EOF can arrive.
        defer {
            close(stdout.write)
            close(stderr.write)
        }
        let pid: pid_t
        do {
            pid = try posixSpawn(spec, stdout: stdout.write, stderr: stderr.write)
        } catch {
            close(stdout.read)
            close(stderr.read)
            throw error
        }
        let child = ChildProcess(pid: pid)
        let pipes = [(stdout.read, LogStream.stdout), (stderr.read, LogStream.stderr)]
        let grace = spec.killGrace
        let thread = Thread {
            ChildMonitor(child: child, pipes: pipes, killGrace: grace, log: log).run()
        }
        thread.name = "ticker-child-\(pid)"
        thread.start()
        return child
    }

    /// Suspends until the child has exited, been reaped and its output has been logged.
    func waitForExit() async -> ChildOutcome {
        await withCheckedContinuation { continuation in
            let ready: ChildOutcome? = state.withLock { state in
                if let outcome = state.outcome { return outcome }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Asks for the process group to be stopped: SIGTERM now, SIGKILL after the kill grace.
    /// Returns at once; safe to call from a cancellation handler, and more than once.
    func terminate() {
        state.withLock { $0.terminationRequested = true }
    }

    var terminationRequested: Bool {
        state.withLock { $0.terminationRequested }
    }

    /// Called once by the monitor thread when everything is done.
    fileprivate func finish(_ termination: ChildTermination) {
        let (outcome, waiter) = state.withLock { state in
            let outcome = ChildOutcome(termination: termination, wasTerminated: state.terminationRequested)
            state.outcome = outcome
            defer { state.waiter = nil }
            return (outcome, state.waiter)
        }
        waiter?.resume(returning: outcome)
    }
}

// MARK: - Spawning

extension ChildProcess {
    private static func makePipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        // Close-on-exec from the start: another task spawning concurrently must not inherit our
        // pipe ends, or this pipe would only reach EOF when that unrelated process exits.
        guard LibC.pipe2(&fds, O_CLOEXEC) == 0 else {
            throw OperatorError("could not create a pipe for the command's output: \(LibC.errorText(errno))")
        }
        return (fds[0], fds[1])
    }

    private static func posixSpawn(_ spec: ChildProcessSpec, stdout: Int32, stderr: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        if let directory = spec.workingDirectory {
            try LibC.addChdir(&actions, directory)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        configureProcessGroupAndSignals(&attributes)

        let argv = spec.arguments.map { strdup($0) } + [nil]
        let envp = spec.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let result = posix_spawn(&pid, spec.arguments[0], &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw OperatorError("could not start \(spec.arguments[0]): \(LibC.errorText(result))")
        }
        return pid
    }

    /// A new process group (pgid = child's pid) so the whole tree the command starts can be
    /// signalled at once; an empty signal mask and default dispositions, because the server may
    /// block or ignore signals (service-lifecycle ignores SIGTERM to handle it itself), and
    /// ignored signals stay ignored across exec: the command would then never see our SIGTERM,
    /// nor SIGPIPE in `producer | head`.
    private static func configureProcessGroupAndSignals(_ attributes: inout posix_spawnattr_t) {
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in 1..<Int32(32) where signal != SIGKILL && signal != SIGSTOP {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
    }
}

// MARK: - The monitor thread

/// Runs on a child's dedicated thread and owns its pipe ends and line buffers, so none of its
/// state is shared. It loops: read what the pipes have, reap the child once it exits, and, when
/// termination was requested, signal the process group (SIGTERM, then SIGKILL after the grace).
///
/// It finishes when the child is reaped and
/// - the pipes are at EOF, or `strayOutputGrace` has passed since the child exited (a background
///   process the command left behind may hold the pipes open for ever; it is left running, but
///   its output is no longer captured and the log says so);
/// - after termination was requested, also when the process group is empty or got SIGKILL.
private final class ChildMonitor {
    static let strayOutputGrace: Duration = .seconds(2)
    static let maxPollInterval: Duration = .milliseconds(50)

    private struct Pipe {
        var fd: Int32
        var stream: LogStream
        var lines = LineSplitter()
    }

    private let child: ChildProcess
    private let killGrace: Duration
    private let log: AttemptLog
    private var pipes: [Pipe]
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    private let clock = ContinuousClock()

    private var termination: ChildTermination?
    private var exitedAt: ContinuousClock.Instant?
    private var sigtermSentAt: ContinuousClock.Instant?
    private var sigkillSent = false
    private var idleInterval: Duration = .milliseconds(1)

    init(child: ChildProcess, pipes: [(Int32, LogStream)], killGrace: Duration, log: AttemptLog) {
        self.child = child
        self.pipes = pipes.map { Pipe(fd: $0.0, stream: $0.1) }
        self.killGrace = killGrace
        self.log = log
    }

    func run() {
        while true {
            if child.terminationRequested { signalGroup() }
            pumpPipes()
            reapIfExited()
            if let termination, isFinished() {
                closePipes()
                child.finish(termination)
                return
            }
        }
    }

    private func isFinished() -> Bool {
        if child.terminationRequested, !sigkillSent, !processGroupIsGone() { return false }
        if pipes.isEmpty { return true }
        guard let exitedAt, clock.now - exitedAt >= Self.strayOutputGrace else { return false }
        log.write(
            "the command exited but a process it left running still holds its stdout or stderr open; "
                + "that process keeps running, but its further output is not captured",
            stream: .system
        )
        return true
    }

    /// Escalates one step per call as time allows: SIGTERM first, SIGKILL once the grace is over.
    private func signalGroup() {
        guard let sentAt = sigtermSentAt else {
            sigtermSentAt = clock.now
            guard !processGroupIsGone() else { return }
            kill(-child.pid, SIGTERM)
            log.write("cancelled: sent SIGTERM to the command's process group; SIGKILL follows in \(DurationParameter.format(killGrace))", stream: .system)
            return
        }
        guard !sigkillSent, clock.now - sentAt >= killGrace, !processGroupIsGone() else { return }
        sigkillSent = true
        kill(-child.pid, SIGKILL)
        log.write("the command's process group was still running \(DurationParameter.format(killGrace)) after SIGTERM: sent SIGKILL", stream: .system)
    }

    /// True when no process is left in the child's group. Only meaningful once the leader is
    /// reaped: a zombie leader still counts as a member.
    private func processGroupIsGone() -> Bool {
        kill(-child.pid, 0) == -1 && errno == ESRCH
    }

    private func reapIfExited() {
        guard termination == nil else { return }
        var status: Int32 = 0
        let result = waitpid(child.pid, &status, WNOHANG)
        if result == child.pid {
            termination = Self.decode(status)
            exitedAt = clock.now
        } else if result == -1, errno != EINTR {
            // ECHILD: someone else reaped it (a SIGCHLD handler set to SIG_IGN does that).
            // The status is lost; report it as a failure rather than wait for ever.
            termination = .exited(status: 255)
            exitedAt = clock.now
            log.write("could not collect the command's exit status: \(LibC.errorText(errno))", stream: .system)
        }
    }

    /// Decodes a `waitpid` status (the W* macros are not available in Swift).
    static func decode(_ status: Int32) -> ChildTermination {
        let signal = status & 0x7F
        return signal == 0 ? .exited(status: (status >> 8) & 0xFF) : .signaled(signal: signal)
    }

    // MARK: Pipes

    /// Waits up to a short interval for output, then reads one chunk from each ready pipe.
    /// The wait is short so exits and termination requests are noticed promptly; it grows from
    /// 1 ms while nothing happens, since a child that just closed its pipes is about to exit.
    private func pumpPipes() {
        var fds = pipes.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        let ready = poll(&fds, nfds_t(fds.count), Self.milliseconds(idleInterval))
        guard ready > 0 else {
            idleInterval = min(idleInterval * 2, Self.maxPollInterval)
            return
        }
        idleInterval = .milliseconds(1)
        for index in fds.indices.reversed() where fds[index].revents != 0 {
            readChunk(from: index)
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        return Int32(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }

    private func readChunk(from index: Int) {
        let count = buffer.withUnsafeMutableBytes { read(pipes[index].fd, $0.baseAddress, $0.count) }
        if count > 0 {
            let stream = pipes[index].stream
            buffer.withUnsafeBufferPointer { bytes in
                pipes[index].lines.append(UnsafeBufferPointer(rebasing: bytes[..<count])) { line in
                    log.write(line, stream: stream)
                }
            }
        } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
            closePipe(at: index)
        }
    }

    private func closePipe(at index: Int) {
        let stream = pipes[index].stream
        pipes[index].lines.finish { log.write($0, stream: stream) }
        close(pipes[index].fd)
        pipes.remove(at: index)
    }

    private func closePipes() {
        for index in pipes.indices.reversed() {
            closePipe(at: index)
        }
    }
}

// MARK: - C library functions Swift's Glibc module does not export

/// `pipe2` and `posix_spawn_file_actions_addchdir_np` are GNU extensions, hidden from Swift's
/// Glibc module (it is not built with _GNU_SOURCE), so they are looked up at run time.
private enum LibC {
    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

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

    static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
