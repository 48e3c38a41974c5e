/// A data set of images whose every batch passes through random augmentations
/// (``RandomFlip``, ``RandomTranslation``, …) as a ``DataLoader`` draws it:
/// PyTorch's `transforms` on a `Dataset`, Keras' preprocessing layers in a pipeline.
///
/// The random draws of a batch come from a generator keyed by ``seed`` and the
/// batch's sample indices, not from shared state, so a run repeats exactly
/// whatever the loader's number of workers. A shuffling loader draws new indices
/// every epoch and with them new augmentations; a loader in data order would
/// repeat the same augmented batches every epoch, so shuffle.
///
/// ```swift
/// let augmented = AugmentedImages(TensorDataset(x: images, y: labels),
///                                 augmentations: [RandomFlip(mode: .horizontal),
///                                                 RandomTranslation(maxHeightShift: 2, maxWidthShift: 2)])
/// model.fit(DataLoader(augmented, batchSize: 128, shuffle: true), epochs: 10)
/// ```
public struct AugmentedImages: Dataset {
    /// The images (NHWC float32 inputs on the CPU) and their targets.
    public let base: any Dataset
    /// Applied in order to every batch of inputs.
    public let augmentations: [any ImageAugmentation]
    /// The key of the augmentations' random streams.
    public let seed: UInt64

    /// Wraps `base`.
    ///
    /// - Parameters:
    ///   - base: the images and targets; its inputs are float32 `[N, height, width, channels]` on the CPU.
    ///   - augmentations: the transformations, applied in order.
    ///   - seed: the key of the random draws; `nil` draws one from the global generator,
    ///     so `Random.seed(_:)` makes the run repeatable.
    public init(_ base: some Dataset, augmentations: [any ImageAugmentation], seed: UInt64? = nil) {
        self.base = base
        self.augmentations = augmentations
        self.seed = seed ?? Random.withGenerator { UInt64($0.nextUInt32()) << 32 | UInt64($0.nextUInt32()) }
    }

    /// The number of samples.
    public var count: Int { base.count }

    /// The samples at `indices`, inputs augmented.
    public func batch(at indices: [Int]) -> (x: Tensor, y: Tensor) {
        var (images, targets) = base.batch(at: indices)
        guard !augmentations.isEmpty else { return (images, targets) }
        var generator = RandomGenerator(seed: seed, offset: Self.streamOffset(of: indices))
        for augmentation in augmentations { images = augmentation(images, generator: &generator) }
        return (images, targets)
    }

    /// Where in the seed's stream a batch starts: a 64-bit mix (SplitMix64's
    /// finaliser, folded over the indices) so different batches start far apart.
    static func streamOffset(of indices: [Int]) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(truncatingIfNeeded: indices.count &+ 1)
        for index in indices {
            hash = mix((hash ^ UInt64(truncatingIfNeeded: index)) &+ 0x9E37_79B9_7F4A_7C15)
        }
        return hash
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
