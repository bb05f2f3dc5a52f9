import Foundation

/// The system's reason for a failed file operation, as one short line: "No such file or
/// directory" rather than Foundation's multi-line `NSError` dump.
enum SystemError {
    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return text(Int32(underlying.code))
        }
        if nsError.domain == NSPOSIXErrorDomain { return text(Int32(nsError.code)) }
        if nsError.domain == NSCocoaErrorDomain, let code = cocoaErrnos[nsError.code] { return text(code) }
        return nsError.localizedDescription
    }

    /// Foundation's file errors that come without the system error behind them.
    private static let cocoaErrnos: [Int: Int32] = [
        CocoaError.fileNoSuchFile.rawValue: ENOENT, CocoaError.fileReadNoSuchFile.rawValue: ENOENT,
        CocoaError.fileReadNoPermission.rawValue: EACCES, CocoaError.fileWriteNoPermission.rawValue: EACCES,
        CocoaError.fileWriteFileExists.rawValue: EEXIST, CocoaError.fileWriteOutOfSpace.rawValue: ENOSPC,
        CocoaError.fileWriteVolumeReadOnly.rawValue: EROFS,
    ]

    /// `strerror` of `code`, by default of the last failed call.
    static func text(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }
}
