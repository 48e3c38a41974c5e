import Foundation

/// The `text-transformer` example's classifier, built with the functional API:
/// token and position embeddings, a stack of post-norm Transformer encoder blocks
/// (Vaswani et al. 2017, as in Keras' "Text classification with Transformer"),
/// an average over the real (unpadded) tokens and a softmax classifier.
///
/// ```text
/// ids [maxlen] ─ Embedding(maskZero) ─┬─ Add ─ x
///                 PositionEmbedding ──┘
/// each block:  x ─ MultiHeadAttention(x, x) ─ Dropout ─ Add(x, ·) ─ LayerNorm ─ h
///              h ─ Dense(ff, relu) ─ Dense(embed) ─ Dropout ─ Add(h, ·) ─ LayerNorm ─ x
/// x ─ GlobalAveragePooling1D (masked) ─ Dropout ─ Dense(classes, softmax)
/// ```
///
/// Padding id 0 is masked from the embedding on: no attention query looks at a padded
/// step, and the average pools over the review's own tokens only, so the padding
/// side and amount do not change a review's prediction.
public struct TextTransformerClassifier {
    /// Vocabulary size: token ids lie in `0..<vocabularySize`, 0 being the padding id.
    public var vocabularySize: Int
    /// Ids per example (the position table's length).
    public var sequenceLength: Int
    /// The size of the token, position and block vectors.
    public var embeddingDim: Int
    /// Attention heads per block.
    public var numHeads: Int
    /// The size of each head's query, key and value projections.
    public var keyDim: Int
    /// The hidden size of each block's feed-forward network.
    public var feedForwardDim: Int
    /// The number of encoder blocks.
    public var blocks: Int
    /// The dropout rate after attention, after the feed-forward network and before the classifier.
    public var dropout: Float
    /// The number of classes of the softmax output.
    public var classes: Int

    /// A classifier's sizes; the defaults are the `text-transformer` example's.
    ///
    /// - Parameters:
    ///   - vocabularySize: token ids lie in `0..<vocabularySize` (0 is padding).
    ///   - sequenceLength: ids per example.
    ///   - embeddingDim: token, position and block vector size (default 64).
    ///   - numHeads: attention heads per block (default 4).
    ///   - keyDim: per-head projection size (default 16).
    ///   - feedForwardDim: feed-forward hidden size (default 128).
    ///   - blocks: encoder blocks (default 2).
    ///   - dropout: dropout rate, in `[0, 1)` (default 0.1).
    ///   - classes: output classes (default 2).
    public init(vocabularySize: Int, sequenceLength: Int, embeddingDim: Int = 64, numHeads: Int = 4, keyDim: Int = 16,
                feedForwardDim: Int = 128, blocks: Int = 2, dropout: Float = 0.1, classes: Int = 2) {
        (self.vocabularySize, self.sequenceLength, self.embeddingDim) = (vocabularySize, sequenceLength, embeddingDim)
        (self.numHeads, self.keyDim, self.feedForwardDim) = (numHeads, keyDim, feedForwardDim)
        (self.blocks, self.dropout, self.classes) = (blocks, dropout, classes)
    }

    /// Builds an untrained model taking int32 ids `[batch, sequenceLength]` to class
    /// probabilities `[batch, classes]`.
    ///
    /// - Parameters:
    ///   - seed: seeds every initializer and dropout layer (each its own derived seed),
    ///     so the model and its training noise repeat whatever else draws random numbers;
    ///     by default they draw from the process-wide generator (see `Random.seed`).
    ///   - name: the model's name.
    public func model(seed: UInt64? = nil, name: String = "text_transformer") -> Model {
        var nextSeed = seed
        /// A fresh seed per layer, or `nil` for the process-wide generator.
        func layerSeed() -> UInt64? {
            defer { nextSeed = nextSeed.map { $0 &+ 1 } }
            return nextSeed
        }
        let tokens = Input(shape: [sequenceLength], dtype: .int32, name: "tokens")
        let tokenVectors = Embedding(inputDim: vocabularySize, outputDim: embeddingDim, maskZero: true,
                                     embeddingsInitializer: .randomUniform(seed: layerSeed()),
                                     name: "token_embedding")(tokens)
        let positionVectors = PositionEmbedding(sequenceLength: sequenceLength, initializer: .glorotUniform(seed: layerSeed()),
                                                name: "position_embedding")(tokenVectors)
        var x = Add(name: "embeddings")([tokenVectors, positionVectors])
        for block in 1...blocks {
            let attention = MultiHeadAttention(numHeads: numHeads, keyDim: keyDim,
                                               kernelInitializer: .glorotUniform(seed: layerSeed()),
                                               name: "block\(block)_attention")([x, x])
            let attended = Dropout(dropout, seed: layerSeed(), name: "block\(block)_attention_dropout")(attention)
            let h = LayerNormalization(epsilon: 1e-6, name: "block\(block)_attention_norm")(
                Add(name: "block\(block)_attention_residual")([x, attended]))
            let hidden = Dense(feedForwardDim, activation: .relu, kernelInitializer: .glorotUniform(seed: layerSeed()),
                               name: "block\(block)_ff_hidden")(h)
            let projected = Dense(embeddingDim, kernelInitializer: .glorotUniform(seed: layerSeed()),
                                  name: "block\(block)_ff_output")(hidden)
            let fed = Dropout(dropout, seed: layerSeed(), name: "block\(block)_ff_dropout")(projected)
            x = LayerNormalization(epsilon: 1e-6, name: "block\(block)_ff_norm")(
                Add(name: "block\(block)_ff_residual")([h, fed]))
        }
        let pooled = GlobalAveragePooling1D(name: "average_over_tokens")(x)
        let features = Dropout(dropout, seed: layerSeed(), name: "classifier_dropout")(pooled)
        let probabilities = Dense(classes, activation: .softmax, kernelInitializer: .glorotUniform(seed: layerSeed()),
                                  name: "classifier")(features)
        return Model(inputs: tokens, outputs: probabilities, name: name)
    }
}
