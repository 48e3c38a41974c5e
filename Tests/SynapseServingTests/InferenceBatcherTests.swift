import Foundation
import Synchronization
import Testing
@testable import SynapseServing

@Suite("InferenceBatcher runs requests that arrive together in one forward pass")
struct InferenceBatcherTests {
    typealias F = ServingFixtures

    final class BatchLog: Sendable {
        let sizes = Mutex<[Int]>([])
    }

    @Test("Announced requests join one batch; each gets its own rows of the output")
    func oneBatch() async throws {
        let model = try F.classifier()
        let log = BatchLog()
        let batcher = InferenceBatcher(configuration: .init(maxBatchSize: 64, maxWait: .seconds(10))) { _, instances in
            log.sizes.withLock { $0.append(instances) }
        }
        defer { batcher.shutdown() }
        let rows: [[Float]] = (0..<8).map { index in (0..<4).map { Float(index * 4 + $0) / 10 } }
        for _ in rows { batcher.announce(model) }
        let outputs = await withTaskGroup(of: (Int, [Float]).self) { group in
            for (index, row) in rows.enumerated() {
                group.addTask {
                    let input = try! model.makeInputs(PredictRequest(values: row, count: 1, instanceShape: [4], columnar: false))
                    return (index, try! await batcher.submit(input, to: model).get()[0])
                }
            }
            var outputs = [[Float]](repeating: [], count: rows.count)
            for await (index, output) in group { outputs[index] = output }
            return outputs
        }
        #expect(log.sizes.withLock { $0 } == [8], "all eight announced requests share one pass")
        let expected = F.expected(model, rows)
        #expect(outputs.flatMap { $0 } == expected)
    }

    @Test("A lone request does not wait; batches stop at maxBatchSize")
    func limits() async throws {
        let model = try F.classifier()
        let log = BatchLog()
        let batcher = InferenceBatcher(configuration: .init(maxBatchSize: 3, maxWait: .seconds(30))) { _, instances in
            log.sizes.withLock { $0.append(instances) }
        }
        defer { batcher.shutdown() }
        let start = ContinuousClock.now
        batcher.announce(model)
        let input = try model.makeInputs(PredictRequest(values: [1, 2, 3, 4], count: 1, instanceShape: [4], columnar: false))
        _ = try await batcher.submit(input, to: model).get()
        // maxWait is 30 s: a batcher that waited would blow far past this bound, which
        // leaves room for a machine busy running the whole suite in parallel.
        #expect(ContinuousClock.now - start < .seconds(15), "no other request was announced, so nothing to wait for")
        for _ in 0..<5 { batcher.announce(model) }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<5 { group.addTask { _ = await batcher.submit(input, to: model) } }
        }
        let sizes = log.sizes.withLock { $0 }
        #expect(sizes.first == 1)
        #expect(sizes.dropFirst().allSatisfy { $0 <= 3 } && sizes.dropFirst().reduce(0, +) == 5, "\(sizes)")
    }

    @Test("After shutdown, submissions are answered 503")
    func shutdown() async throws {
        let model = try F.classifier()
        let batcher = InferenceBatcher()
        batcher.shutdown()
        batcher.announce(model)
        let input = try model.makeInputs(PredictRequest(values: [1, 2, 3, 4], count: 1, instanceShape: [4], columnar: false))
        let outcome = await batcher.submit(input, to: model)
        #expect(throws: ServingError.self) { try outcome.get() }
        if case .failure(let error) = outcome { #expect(error.status == .serviceUnavailable) }
    }
}
