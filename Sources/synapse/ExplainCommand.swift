import ArgumentParser
import Foundation
import SynapseConfig

/// `synapse explain MODEL --input FILE --method METHOD --output heat.png`: which parts
/// of each input made the model decide as it did.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show which parts of each input a saved model's decision came from.",
        discussion: """
            Images (PNG, JPEG, IDX) give a PNG picture: each input in grey with its attribution over it \
            (red for the class, blue against it; saliency, SmoothGrad and Grad-CAM show strength only) and \
            the predicted and true class above it. Texts (--text, or .txt inputs) give an HTML page of their \
            tokens coloured by integrated gradients over the model's embedding; the vocabulary is read from \
            MODEL's folder (MODEL with .vocabulary.json, as text-lstm --save writes it) or --vocabulary.
            """)

    @Argument(help: "A model file (model.safetensors from synapse train, or an example's --save).")
    var model: String

    @Option(name: .customLong("input"), help: "A .png, .jpg, IDX or .txt file (repeat for several).")
    var inputs: [String] = []

    @Option(help: "A text to explain (repeat for several).")
    var text: [String] = []

    @Option(help: "The method: \(Explanation.Method.allCases.map(\.rawValue).joined(separator: ", ")) (texts: integrated gradients).")
    var method: String = "integrated-gradients"

    @Option(help: "Where to write the picture (.png) or page (.html).")
    var output: String

    @Option(help: "The class to explain (default: each input's predicted class).")
    var target: Int?

    @Option(help: "Integrated gradients' path points, SmoothGrad's noisy samples.")
    var steps = 50

    @Option(help: "Grad-CAM's layer (default: the last convolutional layer).")
    var layer: String?

    @Option(help: "Occlusion's window side in pixels.")
    var window = 4

    @Option(help: "Explain only the first N images (an IDX file holds thousands).")
    var limit = 16

    @Option(help: "An IDX label file with the true classes of an IDX image file.")
    var labels: String?

    @Option(help: "The tokenizer's vocabulary JSON for texts.")
    var vocabulary: String?

    func validate() throws {
        if inputs.isEmpty && text.isEmpty { throw ValidationError("give at least one --input FILE or --text TEXT") }
        if Explanation.Method(rawValue: method) == nil {
            throw ValidationError("--method must be one of \(Explanation.Method.allCases.map(\.rawValue).joined(separator: ", ")), got \(method)")
        }
        if steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
        if limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
    }

    func run() throws {
        try CommandFailure.reporting {
            let modelURL = URL(fileURLWithPath: model)
            let saved = try SavedModel.load(from: modelURL)
            let options = Explanation.Options(target: target, steps: steps, layer: layer, window: window)
            let textFiles = inputs.filter { $0.lowercased().hasSuffix(".txt") }
            let imageFiles = inputs.filter { !$0.lowercased().hasSuffix(".txt") }
            let outputURL = URL(fileURLWithPath: output)
            let rows: [Explanation.Row]
            if !text.isEmpty || !textFiles.isEmpty {
                guard imageFiles.isEmpty else { throw UsageError("explain texts or images, not both in one run") }
                let texts = try text + textFiles.map { path in
                    do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
                        throw UsageError("\(path): cannot read the text (\((error as NSError).localizedDescription))")
                    }
                }
                let vocabularyURL = vocabulary.map { URL(fileURLWithPath: $0) }
                    ?? modelURL.deletingPathExtension().appendingPathExtension("vocabulary.json")
                guard FileManager.default.fileExists(atPath: vocabularyURL.path) else {
                    throw UsageError("\(vocabularyURL.path): no vocabulary for the texts; pass --vocabulary FILE (the tokenizer JSON saved with the model)")
                }
                let tokenizer = try Tokenizer.load(from: vocabularyURL)
                let result = try Explanation.texts(texts, saved: saved, tokenizer: tokenizer, options: options)
                try Data(result.html.utf8).write(to: outputURL, options: .atomic)
                rows = result.rows
            } else {
                let result = try Explanation.images(imageFiles.map { URL(fileURLWithPath: $0) }, saved: saved,
                                                    method: Explanation.Method(rawValue: method)!, options: options, limit: limit,
                                                    trueLabels: labels.map { URL(fileURLWithPath: $0) })
                try Data(result.picture.png()).write(to: outputURL, options: .atomic)
                rows = result.rows
            }
            for row in rows {
                var line = "\(row.source): predicted \(row.predicted.name ?? String(row.predicted.index)) "
                    + String(format: "%.3f", row.predicted.probability)
                if let truth = row.truth { line += ", true \(truth)" }
                line += "; explained for \(row.explained.name ?? String(row.explained.index))"
                print(line)
            }
            print("wrote \(output)")
        }
    }
}
