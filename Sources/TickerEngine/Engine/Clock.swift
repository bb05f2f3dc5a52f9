import Foundation

extension Duration {
    /// The positive time from now until `date`, zero if it has passed.
    static func until(_ date: Date) -> Duration {
        .milliseconds(max(0, Int64((date.timeIntervalSinceNow * 1000).rounded(.up))))
    }
}
