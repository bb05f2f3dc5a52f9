/// Summary statistics of a sample, in the unit of the input.
struct Distribution: Encodable {
    var count: Int
    var p50: Double
    var p99: Double
    var max: Double

    init(_ values: [Double]) {
        let sorted = values.sorted()
        count = sorted.count
        func quantile(_ q: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let index = Int((q * Double(sorted.count - 1)).rounded(.up))
            return sorted[Swift.min(index, sorted.count - 1)]
        }
        p50 = quantile(0.5)
        p99 = quantile(0.99)
        max = sorted.last ?? 0
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted[sorted.count / 2]
}
