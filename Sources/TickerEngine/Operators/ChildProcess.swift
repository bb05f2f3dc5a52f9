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
    func finish(_ termination: ChildTermination) {
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
        LibC.addCloseFrom(&actions, 3)
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
    /// signalled at once. An empty signal mask and default dispositions, because blocked and
    /// ignored signals survive exec and the server's threads may have either: service-lifecycle
    /// ignores SIGTERM to handle it itself, and test runners block it. The command would then
    /// never see our SIGTERM, nor SIGPIPE in `producer | head`.
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
