import Testing
import Glibc
@testable import SynapseNN

@Suite("Metrics: AUC")
struct MetricAUCTests {
    @Test("Thresholds are Keras': evenly spaced inner points with −ε and 1 + ε ends")
    func thresholdLayout() {
        let auc = Metrics.AUC()
        #expect(auc.name == "auc" && auc.numThresholds == 200 && auc.curve == .roc)
        #expect(auc.thresholds.count == 200)
        #expect(auc.thresholds.first == -1e-7 && auc.thresholds.last == 1 + 1e-7)
        #expect(auc.thresholds[1] == Float(1.0 / 199.0) && auc.thresholds[198] == Float(198.0 / 199.0))
        #expect(Metrics.AUC(numThresholds: 3).thresholds == [-1e-7, 0.5, 1 + 1e-7])
    }

    @Test("ROC AUC matches Keras' documented example, its counts, and its weighted variant")
    func kerasExample() {
        // keras.metrics.AUC docs: thresholds [−ε, 0.5, 1 + ε]; tp [2, 1, 0], fp [2, 0, 0],
        // fn [0, 1, 2], tn [0, 2, 2]; recall [1, 0.5, 0], fpr [1, 0, 0];
        // area = (1 + 0.5)/2 · (1 − 0) + (0.5 + 0)/2 · (0 − 0) = 0.75.
        let auc = Metrics.AUC(numThresholds: 3)
        auc.update(yTrue: Tensor([0, 0, 1, 1]), yPred: Tensor([0, 0.5, 0.3, 0.9]))
        #expect(auc.truePositives == [2, 1, 0] && auc.falsePositives == [2, 0, 0])
        #expect(auc.falseNegatives == [0, 1, 2] && auc.trueNegatives == [0, 2, 2])
        #expect(metricIsClose(auc.result(), 0.75))
        auc.reset()
        auc.update(yTrue: Tensor([0, 0, 1, 1]), yPred: Tensor([0, 0.5, 0.3, 0.9]), sampleWeight: Tensor([1, 0, 0, 1]))
        #expect(metricIsClose(auc.result(), 1))
    }

    @Test("Perfectly separated scores give 1, reversed scores give 0")
    func extremes() {
        let separated = Metrics.AUC()
        separated.update(yTrue: Tensor([0, 0, 1, 1]), yPred: Tensor([0.1, 0.2, 0.8, 0.9]))
        #expect(metricIsClose(separated.result(), 1))
        let reversed = Metrics.AUC()
        reversed.update(yTrue: Tensor([0, 0, 1, 1]), yPred: Tensor([0.9, 0.8, 0.2, 0.1]))
        #expect(metricIsClose(reversed.result(), 0))
    }

    @Test("ROC AUC equals the pairwise-ranking AUC when scores fall in distinct buckets, across batches")
    func intermediateCase() {
        // Positives score 0.35, 0.8, 0.65; negatives 0.1, 0.4, 0.7. Positive-above-negative
        // pairs: 0.35 beats 1, 0.8 beats 3, 0.65 beats 2 → 6 of 9. With 200 thresholds
        // (spacing 1/199) no positive shares a bucket with a negative, so the trapezoid
        // area over the thresholded ROC is exactly 6/9.
        let auc = Metrics.AUC()
        auc.update(yTrue: Tensor(int32: [0, 1, 0]), yPred: Tensor([[0.1], [0.35], [0.4]]))
        auc.update(yTrue: Tensor(int32: [1, 1, 0]), yPred: Tensor([[0.8], [0.65], [0.7]]))
        #expect(metricIsClose(auc.result(), 6.0 / 9.0, tolerance: 1e-5))
        auc.reset()
        #expect(auc.result() == 0 && auc.truePositives.allSatisfy { $0 == 0 })
    }

    @Test("Minoring and majoring take the lower and the higher rectangle heights")
    func riemannSums() {
        // Keras' documented case: recall [1, 0.5, 0] over fpr [1, 0, 0].
        let minoring = Metrics.AUC(numThresholds: 3, summationMethod: .minoring)
        let majoring = Metrics.AUC(numThresholds: 3, summationMethod: .majoring)
        for auc in [minoring, majoring] {
            auc.update(yTrue: Tensor([0, 0, 1, 1]), yPred: Tensor([0, 0.5, 0.3, 0.9]))
        }
        #expect(metricIsClose(minoring.result(), 0.5))
        #expect(metricIsClose(majoring.result(), 1))
    }

    @Test("PR AUC uses Keras' Davis–Goadrich interpolation")
    func precisionRecallInterpolation() {
        // Same data as Keras' ROC example: tp [2, 1, 0], P = tp + fp = [4, 1, 0], tp + fn = 2.
        // Interval 0: slope = (2 − 1)/(4 − 1) = 1/3, intercept = 1 − 1/3 = 2/3, P ratio 4:
        //   (1/3)(1 + (2/3)·ln 4) / 2.
        // Interval 1: slope = 1, intercept = 0, P_B = 0 so the ratio is 1: 1 · 1 / 2.
        let expected = (1.0 / 3.0) * (1 + (2.0 / 3.0) * Glibc.log(4.0)) / 2 + 0.5
        let auc = Metrics.AUC(numThresholds: 3, curve: .pr)
        auc.update(yTrue: Tensor([0, 0, 1, 1]), yPred: Tensor([0, 0.5, 0.3, 0.9]))
        #expect(metricIsClose(auc.result(), expected))
        // Majoring on the PR curve: recall [1, 0.5, 0], precision [0.5, 1, 0] →
        // (1 − 0.5)·1 + (0.5 − 0)·1 = 1.
        let majoring = Metrics.AUC(numThresholds: 3, curve: .pr, summationMethod: .majoring)
        majoring.update(yTrue: Tensor([0, 0, 1, 1]), yPred: Tensor([0, 0.5, 0.3, 0.9]))
        #expect(metricIsClose(majoring.result(), 1))
    }

    @Test("fromLogits applies a sigmoid before thresholding; without it logits clip to [0, 1]")
    func logits() {
        let logits = Tensor([2, 3, 4, 5])   // sigmoids 0.881, 0.953, 0.982, 0.993
        let labels = Tensor([0, 0, 1, 1])
        let fromLogits = Metrics.AUC(fromLogits: true)
        fromLogits.update(yTrue: labels, yPred: logits)
        #expect(metricIsClose(fromLogits.result(), 1))
        let clipped = Metrics.AUC()   // all clip to 1: one tied bucket, a chance-level 0.5
        clipped.update(yTrue: labels, yPred: logits)
        #expect(metricIsClose(clipped.result(), 0.5))
    }

    @Test("One large batch gives the same counts as many small ones, near the exact AUC")
    func largeBatch() {
        let count = 20_000
        var scores = [Float](), labels = [Float]()
        for index in 0..<count {
            let score = Float((index * 7919) % 10_007) / 10_007
            scores.append(score)
            labels.append(index % 3 == 0 || score > 0.6 ? 1 : 0)
        }
        let whole = Metrics.AUC()
        whole.update(yTrue: Tensor(labels), yPred: Tensor(scores))
        let batched = Metrics.AUC()
        for start in stride(from: 0, to: count, by: 997) {
            let end = Swift.min(start + 997, count)
            batched.update(yTrue: Tensor(Array(labels[start..<end])), yPred: Tensor(Array(scores[start..<end])))
        }
        #expect(whole.truePositives == batched.truePositives && whole.falsePositives == batched.falsePositives)
        #expect(whole.truePositives[0] + whole.falseNegatives[0] == Double(labels.filter { $0 == 1 }.count))
        #expect(whole.result() == batched.result())
        #expect(metricIsClose(whole.result(), exactAUC(labels: labels, scores: scores), tolerance: 2e-3))
    }

    @Test("Counts follow the strict rule prediction > threshold, at and between the thresholds")
    func countsMatchBruteForce() {
        let auc = Metrics.AUC(numThresholds: 11)
        let thresholds = auc.thresholds
        // Every threshold itself, values just above and between them, the ends, and NaN.
        var scores = thresholds.map { Swift.min(Swift.max($0, 0), 1) }
        scores += thresholds.dropLast().map { $0.nextUp } + [0, 1, 0.55, 0.0499, Float.nan]
        let labels = scores.indices.map { Float($0 % 2) }
        let weights = scores.indices.map { Float($0 % 3 + 1) }
        auc.update(yTrue: Tensor(labels), yPred: Tensor(scores), sampleWeight: Tensor(weights))
        for (index, threshold) in thresholds.enumerated() {
            var (tp, fp, fn, tn) = (0.0, 0.0, 0.0, 0.0)
            for sample in scores.indices {
                let weight = Double(weights[sample])
                let above = scores[sample] > threshold
                switch (labels[sample] == 1, above) {
                case (true, true): tp += weight
                case (false, true): fp += weight
                case (true, false): fn += weight
                case (false, false): tn += weight
                }
            }
            #expect(auc.truePositives[index] == tp && auc.falsePositives[index] == fp, "threshold \(threshold)")
            #expect(auc.falseNegatives[index] == fn && auc.trueNegatives[index] == tn, "threshold \(threshold)")
        }
    }

    /// The Mann–Whitney AUC: the fraction of (positive, negative) pairs ranked correctly, ties ½.
    private func exactAUC(labels: [Float], scores: [Float]) -> Double {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var negativesBelow = 0.0, correct = 0.0, start = 0
        while start < order.count {
            var end = start
            while end < order.count && scores[order[end]] == scores[order[start]] { end += 1 }
            let group = order[start..<end]
            let positives = Double(group.filter { labels[$0] == 1 }.count)
            let negatives = Double(group.count) - positives
            correct += positives * (negativesBelow + negatives / 2)
            negativesBelow += negatives
            start = end
        }
        let positiveTotal = Double(labels.filter { $0 == 1 }.count)
        return correct / (positiveTotal * negativesBelow)
    }
}
