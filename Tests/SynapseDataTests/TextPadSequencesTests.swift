import Testing
@testable import SynapseData

@Suite("padSequences and sequence datasets")
struct TextPadSequencesTests {
    static let sequences = [[1, 2, 3, 4, 5], [6, 7], []]

    @Test("pre padding, pre truncating (Keras's defaults) keeps the end of long sequences")
    func prePre() {
        let x = padSequences(Self.sequences, maxlen: 3)
        #expect(x.dtype == .int32 && x.shape == [3, 3])
        #expect(x.intScalars == [3, 4, 5, 0, 6, 7, 0, 0, 0])
    }

    @Test("post padding, pre truncating")
    func postPre() {
        #expect(padSequences(Self.sequences, maxlen: 3, padding: .post).intScalars == [3, 4, 5, 6, 7, 0, 0, 0, 0])
    }

    @Test("pre padding, post truncating keeps the start of long sequences")
    func prePost() {
        #expect(padSequences(Self.sequences, maxlen: 3, truncating: .post).intScalars == [1, 2, 3, 0, 6, 7, 0, 0, 0])
    }

    @Test("post padding, post truncating")
    func postPost() {
        #expect(padSequences(Self.sequences, maxlen: 3, padding: .post, truncating: .post).intScalars
                == [1, 2, 3, 6, 7, 0, 0, 0, 0])
    }

    @Test("without maxlen the longest sequence sets the length; value fills the padding")
    func defaultLengthAndValue() {
        let x = padSequences(Self.sequences, value: -1)
        #expect(x.shape == [3, 5])
        #expect(x.intScalars == [1, 2, 3, 4, 5, -1, -1, -1, 6, 7, -1, -1, -1, -1, -1])
        #expect(padSequences([], maxlen: 4).shape == [0, 4])
    }

    @Test("a classification dataset pairs padded x [N, T] with int32 labels [N]")
    func classificationDataset() {
        let data = SequenceDataset.classification([[5, 6], [7]], labels: [1, 0], maxlen: 3)
        #expect(data.x.intScalars == [0, 5, 6, 0, 0, 7] && data.x.shape == [2, 3])
        #expect(data.y.intScalars == [1, 0] && data.y.dtype == .int32)
        let loader = DataLoader(data, batchSize: 1)
        #expect(loader.batchCount == 2)
    }

    @Test("a language-model dataset shifts targets by one and leaves out incomplete windows")
    func languageModelDataset() {
        let data = SequenceDataset.languageModel([1, 2, 3, 4, 5, 6, 7], sequenceLength: 3)
        #expect(data.x.shape == [2, 3] && data.y.shape == [2, 3])
        #expect(data.x.intScalars == [1, 2, 3, 4, 5, 6])
        #expect(data.y.intScalars == [2, 3, 4, 5, 6, 7])
        let overlapping = SequenceDataset.languageModel([1, 2, 3, 4, 5], sequenceLength: 2, stride: 1)
        #expect(overlapping.x.intScalars == [1, 2, 2, 3, 3, 4])
        #expect(overlapping.y.intScalars == [2, 3, 3, 4, 4, 5])
    }

    @Test("majority-class share is the accuracy of always guessing the commonest label")
    func majorityShare() {
        #expect(LabeledSequences(sequences: [[1], [2], [3], [4]], labels: [2, 2, 0, 2]).majorityClassShare == 0.75)
    }
}
