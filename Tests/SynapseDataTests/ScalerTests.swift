import Foundation
import Testing
@testable import SynapseData

@Suite("Scalers")
struct ScalerTests {
    /// Three features: spread, shifted far from zero, and constant.
    static let x = Tensor([[1, 1000, 7], [3, 1002, 7], [5, 1004, 7], [7, 1010, 7]])

    static func close(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }

    @Test("StandardScaler matches scikit-learn: population std, constant features centred only")
    func standardValues() {
        var scaler = StandardScaler()
        let z = scaler.fitTransform(Self.x)
        // sklearn: mean [4, 1004, 7], var [5, 14, 0] (ddof = 0), scale [√5, √14, 1].
        #expect(scaler.mean == [4, 1004, 7])
        #expect(scaler.variance == [5, 14, 0])
        let scales: [Double] = [Double(5).squareRoot(), Double(14).squareRoot(), 1]
        #expect(scaler.scale == scales)
        let centred: [Float] = [-3, -4, 0, -1, -2, 0, 1, 0, 0, 3, 6, 0]
        let expected = centred.enumerated().map { index, value in value / Float(scales[index % 3]) }
        #expect(Self.close(z.scalars, expected))
        #expect(z.shape == [4, 3])
    }

    @Test("standardised columns have mean 0 and standard deviation 1")
    func standardMoments() {
        var generator = RandomGenerator(seed: 3)
        let data = Tensor.randomNormal([500, 4], mean: 50, standardDeviation: 9, generator: &generator)
        var scaler = StandardScaler()
        let z = scaler.fitTransform(data)
        let mean = z.mean(alongAxis: 0).scalars
        let std = z.standardDeviation(alongAxes: [0]).scalars
        #expect(mean.allSatisfy { abs($0) < 1e-4 })
        #expect(std.allSatisfy { abs($0 - 1) < 1e-4 })
    }

    @Test("inverseTransform undoes transform")
    func standardRoundTrip() {
        var scaler = StandardScaler()
        let z = scaler.fitTransform(Self.x)
        let back = scaler.inverseTransform(z)
        #expect(Self.close(back.scalars, Self.x.scalars))
    }

    @Test("test data is scaled with the training statistics")
    func standardTrainTest() {
        var scaler = StandardScaler()
        scaler.fit(Self.x)
        let test = scaler.transform(Tensor([[4, 1004, 9]]))
        #expect(Self.close(test.scalars, [0, 0, 2]))
    }

    @Test("withMean and withStd switch centring and scaling off")
    func standardOptions() {
        var noMean = StandardScaler(withMean: false)
        #expect(Self.close(noMean.fitTransform(Tensor([[2], [4]])).scalars, [2, 4]))
        var noStd = StandardScaler(withStd: false)
        #expect(Self.close(noStd.fitTransform(Tensor([[2], [4]])).scalars, [-1, 1]))
    }

    @Test("a fitted scaler survives a JSON round trip")
    func codable() throws {
        var scaler = StandardScaler()
        scaler.fit(Self.x)
        let decoded = try JSONDecoder().decode(StandardScaler.self, from: JSONEncoder().encode(scaler))
        #expect(decoded == scaler && decoded.isFitted)
        #expect(!StandardScaler().isFitted)
    }

    @Test("MinMaxScaler maps each feature onto [0, 1]; a constant feature maps to the lower bound")
    func minMax() {
        var scaler = MinMaxScaler()
        let scaled = scaler.fitTransform(Self.x)
        #expect(scaler.dataMin == [1, 1000, 7] && scaler.dataMax == [7, 1010, 7])
        #expect(Self.close(scaled.scalars, [0, 0, 0, 1.0 / 3, 0.2, 0, 2.0 / 3, 0.4, 0, 1, 1, 0]))
    }

    @Test("a custom feature range, values outside the fitted range, and the inverse")
    func minMaxRange() {
        var scaler = MinMaxScaler(featureRange: -1...1)
        scaler.fit(Tensor([[0], [10]]))
        #expect(Self.close(scaler.transform(Tensor([[5], [20], [-10]])).scalars, [0, 3, -3]))
        let column = Tensor([[1], [3], [5], [7]])
        let back = scaler.inverseTransform(scaler.transform(column))
        #expect(back.shape == [4, 1] && Self.close(back.scalars, column.scalars))
        var full = MinMaxScaler(featureRange: 2...5)
        let scaled = full.fitTransform(Self.x)
        #expect(scaled.scalars.allSatisfy { $0 >= 2 - 1e-6 && $0 <= 5 + 1e-6 })
        #expect(Self.close(full.inverseTransform(scaled).scalars, Self.x.scalars, tolerance: 1e-4))
    }
}
