import Foundation
import SwiftProtobuf
import SynapseCore
import SynapseNN
import SynapseTraining

/// Versions of the ONNX files the exporter writes.
public enum ONNXExport {
    /// The opsets ``SynapseONNX/SynapseTraining/Sequential/onnxModelData(opset:)`` can target.
    public static let supportedOpsets: ClosedRange<Int> = 13...21

    /// The opset written when none is given.
    public static let defaultOpset = 17

    /// The ONNX IR version that goes with an opset of the default domain (the pairs
    /// of ONNX's release table: opsets 13–14 → IR 7, 15–18 → IR 8, 19–20 → IR 9,
    /// 21 → IR 10).
    ///
    /// - Parameter opset: an opset in ``supportedOpsets``.
    /// - Returns: the IR version to write in `ModelProto.ir_version`.
    public static func irVersion(forOpset opset: Int) -> Int {
        switch opset {
        case ...14: 7
        case 15...18: 8
        case 19...20: 9
        default: 10
        }
    }
}

/// Exporting a model to ONNX.
extension Sequential {
    /// Serialises the model as an ONNX `ModelProto` for inference.
    ///
    /// The graph has one float32 input named `input` (int32 when the model's `Input`
    /// layer declares int32 token ids) of shape `[batch, ...]` and one float32 output
    /// named `output`, with a symbolic batch dimension `batch`. Images stay NHWC at
    /// both ends, as in Synapse: a `Transpose` to NCHW is placed before the first
    /// convolution-like layer and one back to NHWC only where a layer needs channels
    /// last (`Flatten`, `Dense`, recurrent layers, the output). Dropout layers are
    /// left out; batch normalization uses its moving statistics.
    ///
    /// Masks: an `Embedding(maskZero: true)` becomes `sequence_lens` of the ONNX
    /// recurrent ops, the count of non-zero tokens per row. This equals Synapse's mask
    /// only for right-padded input (zeros only after the last token); for left-padded
    /// input (Keras' `pad_sequences` default) the exported model's results differ.
    ///
    /// - Parameter opset: the ONNX opset of the default domain, in ``ONNXExport/supportedOpsets``.
    /// - Returns: the serialised `ModelProto`.
    /// - Throws: ``ONNXError/unsupportedOpset(_:supported:)`` for an opset outside
    ///   the range, ``ONNXError/notBuilt(model:)`` when the model has no input shape,
    ///   ``ONNXError/unsupportedLayer(name:type:reason:)`` naming the first layer (or
    ///   layer setting) with no ONNX form.
    public func onnxModelData(opset: Int = ONNXExport.defaultOpset) throws -> Data {
        try onnxModel(opset: opset).serializedData()
    }

    /// Writes the model as an ONNX file (see ``onnxModelData(opset:)`` for the graph's form).
    ///
    /// - Parameters:
    ///   - url: the `.onnx` file to write (replaced when it exists).
    ///   - opset: the ONNX opset of the default domain, in ``ONNXExport/supportedOpsets``.
    /// - Returns: what was written: node count, ops, opset and IR version.
    /// - Throws: the errors of ``onnxModelData(opset:)``, and ``ONNXError/io(path:reason:)``
    ///   when the file cannot be written.
    @discardableResult
    public func exportONNX(to url: URL, opset: Int = ONNXExport.defaultOpset) throws -> ONNXExportSummary {
        let model = try onnxModel(opset: opset)
        let data = try model.serializedData()
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw ONNXError.io(path: url.path, reason: error.localizedDescription)
        }
        return ONNXExportSummary(model, byteCount: data.count)
    }

    /// The ONNX model as a protobuf message (for tests and the CLI's summary).
    func onnxModel(opset: Int) throws -> Onnx_ModelProto {
        guard ONNXExport.supportedOpsets.contains(opset) else {
            throw ONNXError.unsupportedOpset(opset, supported: ONNXExport.supportedOpsets)
        }
        buildFromDeclaredInput()
        guard isBuilt, let inputShape else { throw ONNXError.notBuilt(model: name) }
        let inputDType = (layers.first as? Input)?.dtype ?? .float32
        let inputType: ONNXElementType
        switch inputDType {
        case .float32: inputType = .float
        case .int32: inputType = .int32
        default:
            throw ONNXError.unsupportedLayer(name: layers.first?.name ?? name, type: "Input",
                                             reason: "inputs of dtype \(inputDType) (float32 and int32 are exported)")
        }
        var context = ONNXExportContext(
            graph: ONNXGraphBuilder(opset: opset),
            value: ONNXValue(name: "input", shape: inputShape, channelsFirst: false, isFloat: inputType == .float))
        for layer in layers {
            try context.export(layer)
        }
        context.toChannelsLast(scope: "output")
        if !context.value.isFloat {
            context.value.name = context.graph.node("Cast", [context.value.name], scope: "output",
                                                    attributes: [("to", .int(Int(ONNXElementType.float.rawValue)))])
        }
        if context.value.name == "input" || !context.graph.renameOutput(context.value.name, to: "output") {
            var identity = Onnx_NodeProto()
            identity.opType = "Identity"
            identity.name = context.graph.uniqueName("output/Identity")
            identity.input = [context.value.name]
            identity.output = ["output"]
            context.graph.append(identity)
        }

        var graph = Onnx_GraphProto()
        graph.name = name
        graph.node = context.graph.nodes
        graph.initializer = context.graph.initializers
        graph.input = [onnxValueInfo(name: "input", type: inputType, perSampleShape: inputShape)]
        graph.output = [onnxValueInfo(name: "output", type: .float, perSampleShape: context.value.shape)]

        var model = Onnx_ModelProto()
        model.irVersion = Int64(ONNXExport.irVersion(forOpset: opset))
        model.producerName = "synapse"
        model.producerVersion = "0.1"
        var opsetImport = Onnx_OperatorSetIdProto()
        opsetImport.domain = ""
        opsetImport.version = Int64(opset)
        model.opsetImport = [opsetImport]
        model.graph = graph
        return model
    }
}

/// What an ONNX export wrote.
public struct ONNXExportSummary: Sendable, Equatable {
    /// The number of nodes in the graph.
    public var nodeCount: Int
    /// The op type of every node, in graph order.
    public var operators: [String]
    /// The number of initializers (weights and constants).
    public var initializerCount: Int
    /// The opset of the default domain.
    public var opset: Int
    /// The IR version written.
    public var irVersion: Int
    /// The file's size in bytes.
    public var byteCount: Int

    init(_ model: Onnx_ModelProto, byteCount: Int) {
        nodeCount = model.graph.node.count
        operators = model.graph.node.map(\.opType)
        initializerCount = model.graph.initializer.count
        opset = Int(model.opsetImport.first?.version ?? 0)
        irVersion = Int(model.irVersion)
        self.byteCount = byteCount
    }
}

/// The value flowing between layers while a model is exported.
struct ONNXValue {
    /// The ONNX value name.
    var name: String
    /// The per-sample shape in Synapse's (channels-last) layout.
    var shape: [Int]
    /// Whether the ONNX tensor has its last Synapse axis moved to axis 1
    /// (`[N, C, H, W]` for an NHWC image, `[N, C, T]` for a sequence).
    var channelsFirst: Bool
    /// Whether the tensor is float32 (token ids are not).
    var isFloat: Bool = true
}

/// The time-step mask carried along the layers, as Synapse's `computeMask` does.
enum ONNXMask {
    /// No mask.
    case none
    /// A right-padding mask: `lengths` (int32 `[batch]`, valid steps per row) and
    /// `steps` (bool `[batch, time]`, true at valid steps).
    case valid(lengths: String, steps: String)
    /// A mask the ONNX recurrent ops cannot take (why).
    case unsupported(String)
}

/// The state of an export in progress: the graph so far, the current value and its mask.
struct ONNXExportContext {
    /// The graph being built.
    var graph: ONNXGraphBuilder
    /// The output of the last exported layer.
    var value: ONNXValue
    /// The mask of ``value``'s time steps.
    var mask: ONNXMask = .none

    /// The opset being written.
    var opset: Int { graph.opset }

    /// Exports one layer: appends its nodes and advances ``value`` and ``mask``.
    mutating func export(_ layer: Layer) throws {
        guard layer.isBuilt || layer is Input, let outputShape = layer.outputShape else {
            throw ONNXError.notBuilt(model: layer.name)
        }
        let inputShape = value.shape
        switch layer {
        case is Input: break
        case let dense as Dense: try exportDense(dense)
        case let activation as Activation: try exportActivation(activation.function, scope: activation.name)
        case is Dropout, is SpatialDropout2D: break
        case let conv as Conv2D: try exportConv2D(conv)
        case let conv as Conv1D: try exportConv1D(conv)
        case let conv as Conv2DTranspose: try exportConv2DTranspose(conv)
        case let pool as MaxPooling2D:
            try exportPooling(pool, op: "MaxPool", poolSize: pool.poolSize, strides: pool.strides, padding: pool.padding)
        case let pool as AveragePooling2D:
            try exportPooling(pool, op: "AveragePool", poolSize: pool.poolSize, strides: pool.strides, padding: pool.padding)
        case let pool as GlobalAveragePooling2D: exportGlobalPooling(pool, op: "GlobalAveragePool", keepDims: pool.keepDims)
        case let pool as GlobalMaxPooling2D: exportGlobalPooling(pool, op: "GlobalMaxPool", keepDims: pool.keepDims)
        case let upsampling as UpSampling2D: exportUpSampling(upsampling)
        case let padding as ZeroPadding2D: exportZeroPadding(padding)
        case let norm as BatchNormalization: try exportBatchNormalization(norm)
        case let norm as LayerNormalization: try exportLayerNormalization(norm)
        case is Flatten:
            toChannelsLast(scope: layer.name)
            value.name = graph.node("Flatten", [value.name], scope: layer.name, attributes: [("axis", .int(1))])
        case let reshape as Reshape:
            toChannelsLast(scope: layer.name)
            value.name = graph.reshape(value.name, [0] + reshape.targetShape, scope: reshape.name)
        case let rescaling as Rescaling: exportRescaling(rescaling)
        case let embedding as Embedding: try exportEmbedding(embedding)
        case let masking as Masking: try exportMasking(masking)
        case let recurrent as RecurrentLayer: try exportRecurrent(recurrent)
        case let bidirectional as Bidirectional: try exportBidirectional(bidirectional)
        case let distributed as TimeDistributed: try exportTimeDistributed(distributed)
        default:
            throw ONNXError.unsupportedLayer(name: layer.name, type: Self.typeName(layer),
                                             reason: Self.refusalReason(layer))
        }
        value.shape = outputShape
        updateMask(after: layer, inputShape: inputShape)
    }

    /// The Swift type name of a layer, as errors show it.
    static func typeName(_ layer: Layer) -> String { String(describing: type(of: layer)) }

    /// Why a layer type has no ONNX form.
    private static func refusalReason(_ layer: Layer) -> String {
        switch layer {
        case is Sampling: "it draws random numbers at inference"
        case is Sequential: "nested models are not exported; add their layers to the outer model"
        default: "no ONNX mapping for this layer type"
        }
    }

    /// Follows Synapse's mask propagation: recurrent layers pass it on only with
    /// `returnSequences` (reversed in time with `goBackwards`), `Embedding` and
    /// `Masking` make one, other layers keep it while the output still has a time axis.
    private mutating func updateMask(after layer: Layer, inputShape: [Int]) {
        switch layer {
        case is Embedding, is Masking:
            return
        case let recurrent as RecurrentLayer:
            guard recurrent.returnSequences else { mask = .none; return }
            if recurrent.goBackwards, case .valid = mask {
                mask = .unsupported("the mask reversed in time by '\(recurrent.name)' (goBackwards with returnSequences) is left-padded, which ONNX sequence_lens cannot express")
            }
        case let bidirectional as Bidirectional:
            if !bidirectional.forwardLayer.returnSequences { mask = .none }
        case is TimeDistributed:
            return
        default:
            guard let output = layer.outputShape, output.count >= 2, inputShape.count >= 1, output[0] == inputShape[0] else {
                mask = .none
                return
            }
        }
    }

    // MARK: Layout

    /// Transposes the value to channels-last (Synapse's layout) if it is channels-first.
    mutating func toChannelsLast(scope: String) {
        guard value.channelsFirst else { return }
        let rank = value.shape.count + 1
        value.name = graph.transpose(value.name, [0] + Array(2..<rank) + [1], scope: scope)
        value.channelsFirst = false
    }

    /// Transposes the value to channels-first (ONNX's convolution layout) if it is channels-last.
    mutating func toChannelsFirst(scope: String) {
        guard !value.channelsFirst, value.shape.count >= 2 else { return }
        let rank = value.shape.count + 1
        value.name = graph.transpose(value.name, [0, rank - 1] + Array(1..<(rank - 1)), scope: scope)
        value.channelsFirst = true
    }

    /// Marks a value of per-sample rank ≤ 1 as layout-free (both layouts coincide).
    mutating func dropLayoutIfFlat(outputRank: Int) {
        if outputRank <= 1 { value.channelsFirst = false }
    }

    /// A refusal naming `layer`.
    static func refuse(_ layer: Layer, _ reason: String) -> ONNXError {
        .unsupportedLayer(name: layer.name, type: typeName(layer), reason: reason)
    }
}
