import SynapseCore
import SynapseNN

/// One Synapse layer recognised in an ONNX graph, with its weights already in
/// Synapse's (Keras') layouts. The importer collects these, then builds the
/// layers, builds the model from its input shape and assigns the weights.
enum ONNXImportedLayer {
    /// `Dense`: kernel `[in, out]`, bias `[out]`.
    case dense(kernel: Tensor, bias: Tensor?, activation: ActivationFunction)
    /// `Conv2D`: kernel `[kh, kw, in, out]`, bias `[out]`.
    case conv2D(kernel: Tensor, bias: Tensor?, strides: (Int, Int), dilation: (Int, Int), padding: Padding,
                activation: ActivationFunction)
    /// `ZeroPadding2D` ((top, bottom), (left, right)), before a convolution whose pads are not "same".
    case zeroPadding2D(((Int, Int), (Int, Int)))
    /// `MaxPooling2D` / `AveragePooling2D`.
    case pooling2D(max: Bool, size: (Int, Int), strides: (Int, Int), padding: Padding)
    /// `GlobalMaxPooling2D` / `GlobalAveragePooling2D` with `keepDims` (ONNX keeps `[N, C, 1, 1]`).
    case globalPooling2D(max: Bool)
    /// `BatchNormalization` in inference form.
    case batchNormalization(epsilon: Float, gamma: Tensor, beta: Tensor, mean: Tensor, variance: Tensor)
    /// `Flatten`.
    case flatten
    /// `Reshape` to a per-sample shape.
    case reshape([Int])
    /// `Activation`.
    case activation(ActivationFunction)
    /// `Rescaling` (`x · scale + offset`).
    case rescaling(scale: Float, offset: Float)
    /// `Embedding`: table `[vocabulary, dimension]`.
    case embedding(table: Tensor)
    /// `SimpleRNN`, `LSTM` or `GRU`: kernel `[features, gates·units]`, recurrent
    /// kernel `[units, gates·units]`, bias in the layer's shape.
    case recurrent(ONNXRecurrentWeights)

    /// Builds the (unbuilt) Synapse layer.
    func makeLayer() -> Layer {
        switch self {
        case .dense(let kernel, let bias, let activation):
            return Dense(kernel.shape[1], activation: activation, useBias: bias != nil)
        case .conv2D(let kernel, let bias, let strides, let dilation, let padding, let activation):
            return Conv2D(kernel.shape[3], kernelSize: (kernel.shape[0], kernel.shape[1]), strides: strides,
                          padding: padding, dilationRate: dilation, activation: activation, useBias: bias != nil)
        case .zeroPadding2D(let padding):
            return ZeroPadding2D(padding: padding)
        case .pooling2D(let max, let size, let strides, let padding):
            return max ? MaxPooling2D(poolSize: size, strides: strides, padding: padding)
                : AveragePooling2D(poolSize: size, strides: strides, padding: padding)
        case .globalPooling2D(let max):
            return max ? GlobalMaxPooling2D(keepDims: true) : GlobalAveragePooling2D(keepDims: true)
        case .batchNormalization(let epsilon, _, _, _, _):
            return BatchNormalization(epsilon: epsilon)
        case .flatten:
            return Flatten()
        case .reshape(let shape):
            return Reshape(shape)
        case .activation(let function):
            return Activation(function)
        case .rescaling(let scale, let offset):
            return Rescaling(scale: scale, offset: offset)
        case .embedding(let table):
            return Embedding(inputDim: table.shape[0], outputDim: table.shape[1])
        case .recurrent(let weights):
            return weights.makeLayer()
        }
    }

    /// The weights to assign once `layer` (made by ``makeLayer()``) is built.
    func weights(of layer: Layer) -> [(Parameter?, Tensor)] {
        switch (self, layer) {
        case (.dense(let kernel, let bias, _), let dense as Dense):
            return [(dense.kernel, kernel)] + (bias.map { [(dense.bias, $0)] } ?? [])
        case (.conv2D(let kernel, let bias, _, _, _, _), let conv as Conv2D):
            return [(conv.kernel, kernel)] + (bias.map { [(conv.bias, $0)] } ?? [])
        case (.batchNormalization(_, let gamma, let beta, let mean, let variance), let norm as BatchNormalization):
            return [(norm.gamma, gamma), (norm.beta, beta), (norm.movingMean, mean), (norm.movingVariance, variance)]
        case (.embedding(let table), let embedding as Embedding):
            return [(embedding.embeddings, table)]
        case (.recurrent(let weights), let recurrent as RecurrentLayer):
            return [(recurrent.kernel, weights.kernel), (recurrent.recurrentKernel, weights.recurrentKernel),
                    (recurrent.bias, weights.bias)]
        default:
            return []
        }
    }

    /// A short description for the CLI (`Dense(16, relu)`).
    var summary: String {
        switch self {
        case .dense(let kernel, _, let activation): "Dense(\(kernel.shape[1]), \(activation))"
        case .conv2D(let kernel, _, let strides, _, let padding, let activation):
            "Conv2D(\(kernel.shape[3]), kernel \(kernel.shape[0])×\(kernel.shape[1]), strides \(strides.0)×\(strides.1), \(padding), \(activation))"
        case .zeroPadding2D(let padding): "ZeroPadding2D(\(padding))"
        case .pooling2D(let max, let size, let strides, let padding):
            "\(max ? "MaxPooling2D" : "AveragePooling2D")(\(size.0)×\(size.1), strides \(strides.0)×\(strides.1), \(padding))"
        case .globalPooling2D(let max): max ? "GlobalMaxPooling2D(keepDims)" : "GlobalAveragePooling2D(keepDims)"
        case .batchNormalization(let epsilon, let gamma, _, _, _): "BatchNormalization(\(gamma.shape[0]), epsilon \(epsilon))"
        case .flatten: "Flatten"
        case .reshape(let shape): "Reshape(\(shape))"
        case .activation(let function): "Activation(\(function))"
        case .rescaling(let scale, let offset): "Rescaling(scale \(scale), offset \(offset))"
        case .embedding(let table): "Embedding(\(table.shape[0]), \(table.shape[1]))"
        case .recurrent(let weights): weights.summary
        }
    }
}

/// The weights and settings of an imported recurrent layer, in Keras' layouts.
struct ONNXRecurrentWeights {
    /// Which cell.
    enum Cell: String { case simpleRNN = "SimpleRNN", lstm = "LSTM", gru = "GRU" }
    /// The cell type.
    var cell: Cell
    /// `[features, gates·units]`, Keras gate order.
    var kernel: Tensor
    /// `[units, gates·units]`, Keras gate order.
    var recurrentKernel: Tensor
    /// `[gates·units]`, or `[2, 3·units]` for the reset-after GRU (`[3·units]` for the reset-before one).
    var bias: Tensor
    /// The candidate activation.
    var activation: ActivationFunction
    /// The gate activation.
    var recurrentActivation: ActivationFunction
    /// Whether every step's output is returned.
    var returnSequences: Bool
    /// Whether the sequence is processed from its last step.
    var goBackwards: Bool

    /// The hidden size.
    var units: Int { recurrentKernel.shape[0] }

    /// The unbuilt layer.
    func makeLayer() -> RecurrentLayer {
        switch cell {
        case .simpleRNN:
            SimpleRNN(units, activation: activation, returnSequences: returnSequences, goBackwards: goBackwards)
        case .lstm:
            LSTM(units, activation: activation, recurrentActivation: recurrentActivation,
                 returnSequences: returnSequences, goBackwards: goBackwards)
        case .gru:
            GRU(units, activation: activation, recurrentActivation: recurrentActivation,
                returnSequences: returnSequences, goBackwards: goBackwards, resetAfter: bias.rank == 2)
        }
    }

    /// A short description for the CLI.
    var summary: String {
        "\(cell.rawValue)(\(units), returnSequences: \(returnSequences)\(goBackwards ? ", goBackwards" : ""))"
    }
}
