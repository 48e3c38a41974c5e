import Foundation

/// Explaining a saved model's predictions from files, as `synapse explain` does:
/// images (PNG, JPEG, IDX) become a picture of attribution heat maps, texts an HTML
/// page of coloured tokens.
///
/// ```swift
/// let saved = try SavedModel.load(from: modelURL)
/// let result = try Explanation.images([URL(fileURLWithPath: "digit.png")], saved: saved, method: .integratedGradients)
/// try Data(result.picture.png()).write(to: URL(fileURLWithPath: "heat.png"))
/// ```
public enum Explanation {
    /// The attribution methods (`Attribution`), by their command-line names.
    public enum Method: String, CaseIterable, Sendable {
        /// `Attribution.saliency(_:inputs:target:absolute:)`.
        case saliency
        /// `Attribution.gradientTimesInput(_:inputs:target:)`.
        case gradientTimesInput = "gradient-x-input"
        /// `Attribution.smoothGrad(_:inputs:target:samples:noiseLevel:seed:batchSize:)`.
        case smoothGrad = "smoothgrad"
        /// `Attribution.integratedGradients(_:inputs:target:baseline:steps:rule:batchSize:)`.
        case integratedGradients = "integrated-gradients"
        /// `Attribution.gradCAM(_:inputs:layer:target:relu:resizeToInput:)`.
        case gradCAM = "grad-cam"
        /// `Attribution.occlusion(_:inputs:window:strides:target:baseline:batchSize:)`.
        case occlusion
    }

    /// Settings shared by every method.
    public struct Options: Sendable {
        /// The class to explain; `nil` explains each input's predicted class.
        public var target: Int?
        /// Integrated gradients' path points, SmoothGrad's noisy samples (default 50).
        public var steps: Int = 50
        /// Grad-CAM's layer (default: the last convolutional one).
        public var layer: String?
        /// Occlusion's square window side, in pixels (default 4; stride half of it).
        public var window: Int = 4

        /// - Parameters:
        ///   - target: the class to explain (default: each input's predicted class).
        ///   - steps: path points or noise samples (default 50).
        ///   - layer: Grad-CAM's layer name (default: the last 4-D one).
        ///   - window: occlusion's window side (default 4).
        public init(target: Int? = nil, steps: Int = 50, layer: String? = nil, window: Int = 4) {
            (self.target, self.steps, self.layer, self.window) = (target, steps, layer, window)
        }
    }

    /// One explained input.
    public struct Row: Sendable, Equatable {
        /// Where the input came from.
        public var source: String
        /// The class explained, and its name when known.
        public var explained: (index: Int, name: String?)
        /// The predicted class, its name and probability (or output).
        public var predicted: (index: Int, name: String?, probability: Float)
        /// The true class's name, when known (`--labels`, or the image's class folder).
        public var truth: String?

        /// Rows are equal when every field is.
        public static func == (lhs: Row, rhs: Row) -> Bool {
            lhs.source == rhs.source && lhs.explained == rhs.explained && lhs.predicted == rhs.predicted && lhs.truth == rhs.truth
        }
    }

    /// Attributions of images and the picture of them.
    ///
    /// - Parameters:
    ///   - urls: PNG, JPEG or IDX files (as ``Prediction/readInputs(_:saved:)`` reads them).
    ///   - saved: the model, which must take images `[height, width, channels]`.
    ///   - method: the attribution method.
    ///   - options: target, steps, layer, window.
    ///   - limit: the first images only (an IDX file holds thousands).
    ///   - trueLabels: an IDX label file for an IDX image file; otherwise an image's
    ///     folder name is its true class when it names one of the model's classes.
    /// - Returns: the rows and the picture (tiles titled with prediction and truth).
    public static func images(_ urls: [URL], saved: SavedModel, method: Method, options: Options = Options(),
                              limit: Int? = nil, trueLabels: URL? = nil) throws -> (rows: [Row], attributions: Tensor, picture: RasterImage) {
        var inputs = try Prediction.readInputs(urls, saved: saved)
        let count = Swift.min(inputs.x.shape[0], limit ?? Int.max)
        inputs.x = inputs.x[0..<count]
        inputs.sources = Array(inputs.sources.prefix(count))
        guard inputs.x.rank == 4 else {
            throw UsageError("the model takes \(Shape.describe(Array(inputs.x.shape.dropFirst()))) inputs, not images [height, width, channels]; explain it with --text or CSV rows is not supported")
        }
        let classNames = saved.preprocessing?.classNames
        let truths: [String?]
        if let trueLabels {
            let labels = try IDXFile(contentsOf: trueLabels).bytes
            truths = (0..<count).map { index in index < labels.count ? name(Int(labels[index]), classNames) : nil }
        } else if urls.count == count {
            // One image per file: a class folder's name is its true class.
            truths = urls.map { url in
                let folder = url.deletingLastPathComponent().lastPathComponent
                return classNames?.contains(folder) == true ? folder : nil
            }
        } else {
            truths = [String?](repeating: nil, count: count)
        }
        let model = saved.model
        let x = (saved.preprocessing ?? Preprocessing()).transform(inputs.x)
        let target: AttributionTarget = options.target.map { .output($0) } ?? .predicted
        let attributions: Tensor
        switch method {
        case .saliency: attributions = Attribution.saliency(model, inputs: x, target: target)
        case .gradientTimesInput: attributions = Attribution.gradientTimesInput(model, inputs: x, target: target)
        case .smoothGrad: attributions = Attribution.smoothGrad(model, inputs: x, target: target, samples: options.steps)
        case .integratedGradients: attributions = Attribution.integratedGradients(model, inputs: x, target: target, steps: options.steps)
        case .gradCAM: attributions = try Attribution.gradCAM(model, inputs: x, layer: options.layer, target: target)
        case .occlusion:
            let side = Swift.max(1, Swift.min(options.window, x.shape[1], x.shape[2]))
            let step = Swift.max(1, side / 2)
            attributions = Attribution.occlusion(model, inputs: x, window: [side, side, x.shape[3]], strides: [step, step, x.shape[3]],
                                                 target: target)
        }
        let rows = self.rows(model: model, x: x, sources: inputs.sources, truths: truths, target: options.target, classNames: classNames)
        let titles = rows.map { row -> String in
            var title = "\(row.predicted.name ?? String(row.predicted.index)) \(String(format: "%.2f", row.predicted.probability))"
            if let truth = row.truth { title += " true \(truth)" }
            if options.target != nil { title += " (for \(row.explained.name ?? String(row.explained.index)))" }
            return title
        }
        let picture = AttributionImage.grid(inputs: inputs.x, attributions: attributions, titles: titles,
                                            signed: method == .saliency || method == .smoothGrad || method == .gradCAM ? false : nil,
                                            scale: Swift.max(1, 112 / Swift.max(inputs.x.shape[1], inputs.x.shape[2])))
        return (rows, attributions, picture)
    }

    /// Token attributions (integrated gradients over the embedding) of texts and the
    /// HTML page of them.
    ///
    /// - Parameters:
    ///   - texts: the texts, as typed.
    ///   - saved: a model starting with an `Embedding` and taking `[T]` token ids.
    ///   - tokenizer: the vocabulary it was trained with.
    ///   - options: target and steps.
    /// - Returns: the rows and the page.
    public static func texts(_ texts: [String], saved: SavedModel, tokenizer: Tokenizer,
                             options: Options = Options()) throws -> (rows: [Row], html: String) {
        guard let length = saved.model.inputShape?.first, saved.model.inputShape?.count == 1 else {
            throw UsageError("the model takes \(Shape.describe(saved.model.inputShape ?? [])) inputs, not token ids [T]")
        }
        let sequences = tokenizer.encode(texts)
        let ids = padSequences(sequences, maxlen: length)
        let target: AttributionTarget = options.target.map { .output($0) } ?? .predicted
        let scores = try Attribution.tokenIntegratedGradients(saved.model, tokens: ids, target: target, steps: options.steps)
        let classNames = saved.preprocessing?.classNames
        let rows = self.rows(model: saved.model, x: ids, sources: texts.indices.map { "text \($0 + 1)" },
                             truths: texts.map { _ in nil }, target: options.target, classNames: classNames)
        let flatIds = ids.intScalars
        let flatScores = scores.scalars
        var tokens: [[String]] = []
        var values: [[Float]] = []
        for row in 0..<texts.count {
            let positions = (0..<length).filter { flatIds[row * length + $0] != 0 }
            tokens.append(positions.map { tokenizer.decode([Int(flatIds[row * length + $0])]) })
            values.append(positions.map { flatScores[row * length + $0] })
        }
        let titles = rows.map { row in
            "predicted \(row.predicted.name ?? String(row.predicted.index)) (\(String(format: "%.2f", row.predicted.probability)))"
                + (options.target != nil ? ", explained for \(row.explained.name ?? String(row.explained.index))" : "")
        }
        return (rows, AttributionHTML.page(texts: tokens, scores: values, titles: titles))
    }

    private static func name(_ index: Int, _ classNames: [String]?) -> String {
        classNames.flatMap { index < $0.count ? $0[index] : nil } ?? String(index)
    }

    private static func rows(model: Sequential, x: Tensor, sources: [String], truths: [String?], target: Int?,
                             classNames: [String]?) -> [Row] {
        let outputs = withoutGradient { model(x, training: false) }
        let flat = outputs.reshaped(to: [x.shape[0], -1]).to(.float32).scalars
        let width = flat.count / Swift.max(x.shape[0], 1)
        return sources.indices.map { row in
            let values = Array(flat[(row * width)..<((row + 1) * width)])
            let best = width == 1 ? (values[0] >= 0.5 ? 1 : 0) : values.indices.max { values[$0] < values[$1] }!
            let probability = width == 1 ? (best == 1 ? values[0] : 1 - values[0]) : values[best]
            let explained = target ?? (width == 1 ? 0 : best)
            // One sigmoid output is the probability of class 1: that is the class it explains.
            let explainedClass = width == 1 ? 1 : explained
            return Row(source: sources[row], explained: (explained, classNames.flatMap { explainedClass < $0.count ? $0[explainedClass] : nil }),
                       predicted: (best, classNames.flatMap { best < $0.count ? $0[best] : nil }, probability), truth: truths[row])
        }
    }
}
