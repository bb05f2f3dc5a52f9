import Foundation
import TickerISIN

// Validates every line of a file, held in memory, with each of TickerISIN's entry points, and prints
// inputs per second: the validator alone, without process start, file reading or output, so the
// number can be set beside python-stdnum's from `scripts/isin-compare.py` on the same file.
//
//   swift run -c release ISINThroughput FILE [--seconds 1.0] [--rounds 5]
// Prints one line per entry point, `<name> <valid> <inputs/s>`, using the best round.

let arguments = CommandLine.arguments
guard arguments.count >= 2, let data = FileManager.default.contents(atPath: arguments[1]) else {
    FileHandle.standardError.write(Data("usage: ISINThroughput FILE [--seconds S] [--rounds N]\n".utf8))
    exit(2)
}
func option(_ name: String, default value: Double, in arguments: [String]) -> Double {
    guard let at = arguments.firstIndex(of: name), at + 1 < arguments.count, let number = Double(arguments[at + 1]) else {
        return value
    }
    return number
}
let secondsPerRound = option("--seconds", default: 1.0, in: arguments)
let rounds = Int(option("--rounds", default: 5, in: arguments))

// Lines as `ticker isin validate` reads them: split at "\n", a trailing "\r" and a leading BOM dropped.
var bytes = [UInt8](data)
if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
var ranges: [Range<Int>] = []
var lineStart = 0
for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
    ranges.append(lineStart..<(index > lineStart && bytes[index - 1] == 0x0D ? index - 1 : index))
    lineStart = index + 1
}
if lineStart < bytes.count { ranges.append(lineStart..<bytes.count) }
let strings = ranges.map { String(decoding: bytes[$0], as: UTF8.self) }

/// Runs `pass` (one pass over all inputs, returning how many were valid) for at least
/// `secondsPerRound` per round, and returns the valid count and the best round's inputs per second.
func measure(inputs count: Int, seconds secondsPerRound: Double, rounds: Int, _ pass: () -> Int) -> (valid: Int, rate: Double) {
    let clock = ContinuousClock()
    var valid = pass()  // warm-up, and the count to report
    var best = 0.0
    for _ in 0..<rounds {
        var inputs = 0
        let start = clock.now
        var elapsed = Duration.zero
        repeat {
            valid = pass()
            inputs += count
            elapsed = clock.now - start
        } while elapsed < .seconds(secondsPerRound)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        best = max(best, Double(inputs) / seconds)
    }
    return (valid, best)
}

let results: [(String, (valid: Int, rate: Double))] = [
    ("validate(String)", measure(inputs: ranges.count, seconds: secondsPerRound, rounds: rounds) {
        var valid = 0
        for line in strings where (try? ISIN.validate(line).get()) != nil { valid += 1 }
        return valid
    }),
    ("validate(utf8:)", measure(inputs: ranges.count, seconds: secondsPerRound, rounds: rounds) {
        bytes.withUnsafeBufferPointer { buffer in
            var valid = 0
            for range in ranges {
                if case .success = ISIN.validate(utf8: UnsafeBufferPointer(rebasing: buffer[range])) { valid += 1 }
            }
            return valid
        }
    }),
    ("isValid(utf8:)", measure(inputs: ranges.count, seconds: secondsPerRound, rounds: rounds) {
        bytes.withUnsafeBufferPointer { buffer in
            var valid = 0
            for range in ranges where ISIN.isValid(utf8: UnsafeBufferPointer(rebasing: buffer[range])) { valid += 1 }
            return valid
        }
    }),
]
print("inputs \(ranges.count)")
for (name, result) in results {
    print(name, result.valid, String(format: "%.0f", result.rate))
}
