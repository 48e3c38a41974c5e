import Testing
@testable import SynapseCore

@Suite("Determinism: results do not depend on the thread count")
struct DeterminismTests {
    /// Runs in its own process: the thread count is process-wide, and other suites
    /// running at the same time must not see it change.
    @Test("the sum of 10M elements has the same bits on 1 and 2 threads, run after run")
    func sumIsThreadCountIndependent() async {
        let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            var generator = RandomGenerator(seed: 10)
            let count = 10_000_000
            let values = (0..<count).map { _ in generator.nextUniform() - 0.25 }
            let x = Tensor(values, shape: [count])
            let matrix = x.reshaped(to: [2_000, 5_000])
            let original = Parallel.threadCount
            defer { Parallel.setThreadCount(original) }
            func bits() -> [UInt32] {
                [x.sum().item.bitPattern, x.mean().item.bitPattern] + matrix.sum(alongAxis: 0).scalars.prefix(64).map(\.bitPattern)
                    + matrix.sum(alongAxis: 1).scalars.prefix(64).map(\.bitPattern)
            }
            var runs: [[UInt32]] = []
            for threads in [1, 2, 1, 2] {
                Parallel.setThreadCount(threads)
                runs.append(bits())
                runs.append(bits())
            }
            var exact = 0.0
            for value in values { exact += Double(value) }
            let total = Double(Float(bitPattern: runs[0][0]))
            if runs.contains(where: { $0 != runs[0] }) {
                fatalError("sums differ between runs or thread counts: \(runs.map { $0[0] })")
            }
            if Swift.abs(total - exact) > 1e-5 * Swift.abs(exact) {
                fatalError("sum \(total) is far from the exact \(exact)")
            }
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(!message.contains("Fatal error"), "\(message)")
    }

    @Test("repeated sums of a large tensor are identical within one process")
    func repeatedSums() {
        let x = uniformTensor([1_000_000], seed: 11)
        let first = x.sum().item.bitPattern
        for _ in 0..<5 { #expect(x.sum().item.bitPattern == first) }
    }
}
