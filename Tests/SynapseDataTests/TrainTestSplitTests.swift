import Testing
@testable import SynapseData

@Suite("trainTestSplit")
struct TrainTestSplitTests {
    /// Rows numbered 0..<count in x (two columns) and y, so pairing can be checked.
    static func numbered(_ count: Int) -> (Tensor, Tensor) {
        let x = Tensor((0..<count).flatMap { [Float($0), Float($0) + 0.5] }, shape: [count, 2])
        let y = Tensor((0..<count).map { Float($0) }, shape: [count, 1])
        return (x, y)
    }

    @Test("the test set gets ceil(fraction × n) rows, as scikit-learn counts", arguments: [
        (768, 0.2, 154), (10, 0.25, 3), (10, 0.3, 3), (3, 0.5, 2), (100, 0.01, 1),
    ])
    func sizes(count: Int, fraction: Double, expectedTest: Int) {
        let (x, y) = Self.numbered(count)
        let split = trainTestSplit(x, y, testFraction: fraction, seed: 1)
        #expect(split.xTest.shape == [expectedTest, 2] && split.yTest.shape == [expectedTest, 1])
        #expect(split.xTrain.shape == [count - expectedTest, 2] && split.yTrain.shape == [count - expectedTest, 1])
    }

    @Test("rows stay paired and every row lands in exactly one part")
    func pairedAndComplete() {
        let (x, y) = Self.numbered(50)
        let split = trainTestSplit(x, y, testFraction: 0.2, seed: 9)
        let trainIDs = split.yTrain.scalars, testIDs = split.yTest.scalars
        #expect(Set(trainIDs + testIDs) == Set((0..<50).map(Float.init)))
        #expect((trainIDs + testIDs).count == 50)
        let xFirstColumn = stride(from: 0, to: split.xTrain.scalarCount, by: 2).map { split.xTrain.scalars[$0] }
        #expect(xFirstColumn == trainIDs)
        #expect(trainIDs != trainIDs.sorted(), "the rows are shuffled")
    }

    @Test("the same seed gives the same split; another seed a different one")
    func determinism() {
        let (x, y) = Self.numbered(100)
        let a = trainTestSplit(x, y, testFraction: 0.25, seed: 42)
        let b = trainTestSplit(x, y, testFraction: 0.25, seed: 42)
        let c = trainTestSplit(x, y, testFraction: 0.25, seed: 43)
        #expect(a.yTest.scalars == b.yTest.scalars && a.xTrain.scalars == b.xTrain.scalars)
        #expect(a.yTest.scalars != c.yTest.scalars)
    }

    @Test("without shuffling the last rows are the test set")
    func noShuffle() {
        let (x, y) = Self.numbered(10)
        let split = trainTestSplit(x, y, testFraction: 0.3, shuffle: false, seed: 0)
        #expect(split.yTest.scalars == [7, 8, 9])
        #expect(split.yTrain.scalars == [0, 1, 2, 3, 4, 5, 6])
    }

    @Test("int32 labels keep their dtype")
    func intLabels() {
        let x = Tensor((0..<12).map(Float.init), shape: [6, 2])
        let y = Tensor(int32: [0, 1, 2, 0, 1, 2], shape: [6])
        let split = trainTestSplit(x, y, testFraction: 0.5, seed: 5)
        #expect(split.yTrain.dtype == .int32 && split.yTrain.shape == [3])
        let rowsOfX = stride(from: 0, to: 6, by: 2).map { Int(split.xTest.scalars[$0]) / 2 }
        #expect(split.yTest.intScalars == rowsOfX.map { Int32($0 % 3) })
    }

    @Test("index splits are permutations cut in two")
    func indices() {
        let (train, test) = trainTestSplitIndices(count: 20, testFraction: 0.25, seed: 7)
        #expect(test.count == 5 && train.count == 15)
        #expect(Set(train + test) == Set(0..<20))
    }
}
