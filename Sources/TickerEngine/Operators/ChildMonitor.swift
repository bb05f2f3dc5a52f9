import Foundation
import TickerCore
#if canImport(Glibc)
import Glibc
#endif

/// Runs on a child's dedicated thread and owns its pipe ends and line buffers, so none of its
/// state is shared. It loops: read what the pipes have, reap the child once it exits, and, when
/// termination was requested, signal the process group (SIGTERM, then SIGKILL after the grace).
///
/// It finishes when the child is reaped and
/// - the pipes are at EOF, or `strayOutputGrace` has passed since the child exited (a background
///   process the command left behind may hold the pipes open for ever; it is left running, but
///   its output is no longer captured and the log says so);
/// - after termination was requested, also when the process group is empty or got SIGKILL.
final class ChildMonitor {
    static let strayOutputGrace: Duration = .seconds(2)
    static let maxPollInterval: Duration = .milliseconds(50)
    static let groupScanInterval: Duration = .milliseconds(100)

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
    private var lastGroupScan: ContinuousClock.Instant?
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
            log.write("cancelled: sent SIGTERM to the command's process group; SIGKILL follows in \(DurationText.format(killGrace))", stream: .system)
            return
        }
        guard !sigkillSent, clock.now - sentAt >= killGrace, !processGroupIsGone() else { return }
        sigkillSent = true
        kill(-child.pid, SIGKILL)
        log.write("the command's process group was still running \(DurationText.format(killGrace)) after SIGTERM: sent SIGKILL", stream: .system)
    }

    /// True when no live process is left in the child's group. Only meaningful once the leader
    /// is reaped (until then it is a member itself).
    ///
    /// `kill(-pgid, 0)` also counts zombies: processes of the group orphaned by the leader's
    /// death belong to PID 1 once they exit, and a container's PID 1 may reap them late or never.
    /// Without a closer look every cancellation would then wait the whole kill grace and send a
    /// pointless SIGKILL, so when `kill` says "someone is there", /proc is asked who, at most
    /// every `groupScanInterval`.
    private func processGroupIsGone() -> Bool {
        if kill(-child.pid, 0) == -1, errno == ESRCH { return true }
        if let lastScan = lastGroupScan, clock.now - lastScan < Self.groupScanInterval { return false }
        lastGroupScan = clock.now
        return !ProcessTable.hasLiveMember(inGroup: child.pid)
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
