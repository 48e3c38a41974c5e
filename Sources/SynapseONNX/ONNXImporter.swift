import Foundation
import SwiftProtobuf
import SynapseCore
import SynapseNN
import SynapseTraining

/// Importing a model from ONNX.
extension Sequential {
    /// Reads an ONNX file (for example one written by `torch.onnx.export`) as a
    /// Synapse model with its weights.
    ///
    /// The graph must be a chain (one input, one output, each value feeding the
    /// next op; `Shape`-derived side computations such as PyTorch's zero initial
    /// states are allowed). Recognised ops: `Gemm`, `MatMul` + `Add` (→ `Dense`);
    /// `Relu`, `Sigmoid`, `Tanh`, `Softmax`, `LogSoftmax`, `Elu`, `LeakyRelu`,
    /// `Selu`, `Softplus`, `Softsign`, `Gelu` (folded into the preceding `Dense` or
    /// `Conv2D`, else an `Activation` layer); `Conv` (2-D, group 1) with the kernel
    /// `[out, in, kh, kw]` → `[kh, kw, in, out]`; `MaxPool`, `AveragePool`,
    /// `GlobalMaxPool`, `GlobalAveragePool`; `BatchNormalization` (inference);
    /// `Flatten` and constant-shape `Reshape`; `Dropout`, `Identity` (skipped);
    /// `Transpose`, `Squeeze`, `Cast` where they only move axes; scalar `Mul`,
    /// `Add`, `Sub`, `Div` (→ `Rescaling`); `LSTM`, `GRU` (`linear_before_reset = 1`),
    /// `RNN` (forward; gates reordered from ONNX's `i, o, f, c` to Keras' `i, f, c, o`),
    /// with a following `Gather` of the last time step (PyTorch's `y[:, -1, :]`)
    /// turned into `returnSequences: false`; `Gather` on an initializer
    /// (→ `Embedding`, int32 token ids).
    ///
    /// Layouts: a rank-4 graph input is taken as NCHW (PyTorch's layout) unless the
    /// graph starts by transposing it (as Synapse's own exports do); **the imported
    /// model takes NHWC images** (`x.permute(0, 2, 3, 1)` of the PyTorch input), as
    /// every Synapse image model. After a channels-first `Flatten`, the next
    /// `Dense` kernel's rows are reordered from PyTorch's `(c, h, w)` to Synapse's
    /// `(h, w, c)` order, so predictions are the same. An image output stays
    /// channels-last.
    ///
    /// The file is untrusted: sizes, dimensions and data lengths are checked
    /// against the bytes, subgraphs, functions and external data are refused, and
    /// every failure is a thrown ``ONNXImportError``.
    ///
    /// - Parameter data: the bytes of a serialised `ModelProto`.
    /// - Returns: the model, built from the graph's input shape, with the file's weights.
    /// - Throws: ``ONNXImportError`` naming the node, tensor or limit concerned.
    public static func importONNX(data: Data) throws -> Sequential {
        try ONNXImport.read(data).model
    }

    /// Reads an ONNX file as a Synapse model (see ``importONNX(data:)``).
    ///
    /// - Parameter url: the `.onnx` file.
    /// - Returns: the model with its weights.
    /// - Throws: ``ONNXImportError/io(path:reason:)`` when the file cannot be read,
    ///   and the errors of ``importONNX(data:)``.
    public static func importONNX(from url: URL) throws -> Sequential {
        try ONNXImport.read(from: url).model
    }
}

/// What an ONNX import built: the model and a line per layer.
public struct ONNXImportResult {
    /// The Synapse model, built, with the file's weights.
    public var model: Sequential
    /// One description per layer (`Dense(16, relu)`), in order.
    public var layers: [String]
    /// The model's per-sample input shape (NHWC for images).
    public var inputShape: [Int]
    /// The opset of the file's default domain.
    public var opset: Int
}

/// Reading ONNX files into Synapse models.
public enum ONNXImport {
    /// The opsets of the default domain the importer reads.
    public static let supportedOpsets: ClosedRange<Int> = 11...22

    /// Reads an ONNX file (see `Sequential.importONNX(data:)`).
    ///
    /// - Parameter url: the `.onnx` file.
    /// - Returns: the model and a description of its layers.
    /// - Throws: ``ONNXImportError``.
    public static func read(from url: URL) throws -> ONNXImportResult {
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            if let size = attributes[.size] as? Int, size > ONNXImportLimits.maxFileBytes {
                throw ONNXImportError.malformed("the file has \(size) bytes, more than the limit of \(ONNXImportLimits.maxFileBytes)")
            }
            data = try Data(contentsOf: url)
        } catch let error as ONNXImportError {
            throw error
        } catch {
            throw ONNXImportError.io(path: url.path, reason: error.localizedDescription)
        }
        return try read(data)
    }

    /// Reads the bytes of an ONNX `ModelProto` (see `Sequential.importONNX(data:)`).
    ///
    /// - Parameter data: the serialised model.
    /// - Returns: the model and a description of its layers.
    /// - Throws: ``ONNXImportError``.
    public static func read(_ data: Data) throws -> ONNXImportResult {
        guard data.count <= ONNXImportLimits.maxFileBytes else {
            throw ONNXImportError.malformed("\(data.count) bytes, more than the limit of \(ONNXImportLimits.maxFileBytes)")
        }
        let model: Onnx_ModelProto
        do {
            var options = BinaryDecodingOptions()
            options.messageDepthLimit = 32
            model = try Onnx_ModelProto(serializedBytes: data, options: options)
        } catch {
            throw ONNXImportError.malformed("not a protobuf ModelProto (\(error))")
        }
        var context = try ONNXImportContext(model)
        try context.run()
        return try context.finish()
    }
}
