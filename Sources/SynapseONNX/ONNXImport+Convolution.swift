import SynapseCore
import SynapseNN

extension ONNXImportContext {
    /// The Synapse padding that reproduces ONNX `pads` `[top, left, bottom, right]`
    /// (or `auto_pad`) for a window over an `[h, w]` image: `.valid` for no padding,
    /// `.same` when the pads equal Synapse's "same" pads, else `nil`.
    private func padding(_ attributes: ONNXImportAttributes, image: (Int, Int), window: (Int, Int), strides: (Int, Int),
                         dilation: (Int, Int), refuse: (String) -> ONNXImportError) throws -> (Padding?, [Int]) {
        switch attributes.string("auto_pad", "NOTSET") {
        case "NOTSET": break
        case "VALID": return (.valid, [0, 0, 0, 0])
        case "SAME_UPPER":
            let pads = ONNXExportContext.windowPads(input: image, window: window, strides: strides, dilation: dilation, padding: .same)
            return (.same, pads ?? [0, 0, 0, 0])
        case let other: throw refuse("auto_pad = \(other) is not imported")
        }
        let pads = attributes.ints("pads", [0, 0, 0, 0]) ?? [0, 0, 0, 0]
        guard pads.count == 4, pads.allSatisfy({ (0...ONNXImportLimits.maxDimension).contains($0) }) else {
            throw refuse("pads must be 4 values in 0...\(ONNXImportLimits.maxDimension), got \(pads)")
        }
        if pads.allSatisfy({ $0 == 0 }) { return (.valid, pads) }
        let same = ONNXExportContext.windowPads(input: image, window: window, strides: strides, dilation: dilation, padding: .same)
        return (same == pads ? .same : nil, pads)
    }

    /// The output size of a window, or a refusal when it does not fit.
    private func windowOutput(_ image: (Int, Int), channels: Int, window: (Int, Int), strides: (Int, Int), dilation: (Int, Int),
                              padding: Padding, refuse: (String) -> ONNXImportError) throws -> (Int, Int) {
        guard let geometry = WindowGeometry(inputShape: [1, image.0, image.1, channels], window: window, strides: strides,
                                            dilation: dilation, padding: padding),
              geometry.outputHeight > 0, geometry.outputWidth > 0 else {
            throw refuse("its \(window.0)×\(window.1) window does not fit a \(image.0)×\(image.1) image")
        }
        return (geometry.outputHeight, geometry.outputWidth)
    }

    /// `Conv` on an NCHW image: a `Conv2D` (after a `ZeroPadding2D` when the pads are not "same").
    mutating func importConv(_ node: Onnx_NodeProto, _ attributes: ONNXImportAttributes,
                             refuse: (String) -> ONNXImportError) throws {
        guard node.input.first == value.name else { throw refuse("the chain value must be input X") }
        guard value.isChannelsFirstImage else {
            throw refuse("expects an NCHW image (2-D convolution), got a value of per-sample shape \(value.onnxShape)")
        }
        guard attributes.int("group", 1) == 1 else { throw refuse("grouped or depthwise convolutions (group ≠ 1) are not imported") }
        let weight = try constantInput(node, 1, refuse: refuse)
        let (height, width, channels) = (value.shape[0], value.shape[1], value.shape[2])
        guard weight.shape.count == 4, weight.shape[1] == channels, weight.shape.allSatisfy({ $0 > 0 }) else {
            throw refuse("the weight of shape \(weight.shape) is not [out, \(channels), kh, kw]")
        }
        let (filters, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3])
        let kernelShape = try attributes.positiveInts("kernel_shape", count: 2, default: nil, orElse: [kh, kw])
        guard kernelShape == [kh, kw] else { throw refuse("kernel_shape \(kernelShape) differs from the weight's \(weight.shape)") }
        let strides = try attributes.positiveInts("strides", count: 2, default: 1)
        let dilations = try attributes.positiveInts("dilations", count: 2, default: 1)
        guard strides == [1, 1] || dilations == [1, 1] else { throw refuse("strides > 1 together with dilations > 1 are not imported") }
        let window = (kh, kw), stride = (strides[0], strides[1]), dilation = (dilations[0], dilations[1])
        var (chosen, pads) = try padding(attributes, image: (height, width), window: window, strides: stride, dilation: dilation,
                                         refuse: refuse)
        var image = (height, width)
        if chosen == nil {
            append(.zeroPadding2D(((pads[0], pads[2]), (pads[1], pads[3]))))
            image = (height + pads[0] + pads[2], width + pads[1] + pads[3])
            guard image.0 <= ONNXImportLimits.maxDimension, image.1 <= ONNXImportLimits.maxDimension else { throw refuse("pads too large") }
            chosen = .valid
            pads = [0, 0, 0, 0]
        }
        let padding = chosen ?? .valid
        let output = try windowOutput(image, channels: channels, window: window, strides: stride, dilation: dilation,
                                      padding: padding, refuse: refuse)
        guard ONNXImportLimits.product([output.0, output.1, weight.count], limit: ONNXImportLimits.maxMultiplyAdds) != nil else {
            throw refuse("it needs more than \(ONNXImportLimits.maxMultiplyAdds) multiply-adds per sample")
        }
        let kernel = Tensor(weight.floats, shape: weight.shape).permuted([2, 3, 1, 0])
        var bias: Tensor?
        if node.input.count > 2, !node.input[2].isEmpty {
            let b = try constantInput(node, 2, refuse: refuse)
            guard b.count == filters, b.shape.count == 1 else { throw refuse("the bias of shape \(b.shape) is not [\(filters)]") }
            bias = Tensor(b.floats, shape: [filters])
        }
        append(.conv2D(kernel: Tensor(kernel.scalars, shape: [kh, kw, channels, filters]), bias: bias, strides: stride,
                       dilation: dilation, padding: padding, activation: .linear))
        value.shape = [output.0, output.1, filters]
    }

    /// `MaxPool` / `AveragePool` on an NCHW image.
    mutating func importPooling(_ node: Onnx_NodeProto, _ attributes: ONNXImportAttributes,
                                refuse: (String) -> ONNXImportError) throws {
        guard value.isChannelsFirstImage else {
            throw refuse("expects an NCHW image (2-D pooling), got a value of per-sample shape \(value.onnxShape)")
        }
        let isMax = node.opType == "MaxPool"
        guard attributes.int("ceil_mode", 0) == 0 else { throw refuse("ceil_mode = 1 is not imported") }
        guard attributes.int("storage_order", 0) == 0 else { throw refuse("storage_order = 1 is not imported") }
        let size = try attributes.positiveInts("kernel_shape", count: 2, default: nil)
        let strides = try attributes.positiveInts("strides", count: 2, default: 1)
        let dilations = try attributes.positiveInts("dilations", count: 2, default: 1)
        guard dilations == [1, 1] else { throw refuse("dilated pooling is not imported") }
        let (height, width, channels) = (value.shape[0], value.shape[1], value.shape[2])
        let window = (size[0], size[1]), stride = (strides[0], strides[1])
        let (chosen, pads) = try padding(attributes, image: (height, width), window: window, strides: stride, dilation: (1, 1),
                                         refuse: refuse)
        guard let padding = chosen else {
            throw refuse("pads \(pads) are neither zero nor Synapse's \"same\" padding")
        }
        if !isMax, padding == .same, attributes.int("count_include_pad", 0) != 0 {
            throw refuse("count_include_pad = 1 with padding is not imported (Synapse averages over the image only)")
        }
        let output = try windowOutput((height, width), channels: channels, window: window, strides: stride, dilation: (1, 1),
                                      padding: padding, refuse: refuse)
        guard ONNXImportLimits.product([output.0, output.1, channels, window.0, window.1], limit: ONNXImportLimits.maxMultiplyAdds) != nil else {
            throw refuse("it needs more than \(ONNXImportLimits.maxMultiplyAdds) operations per sample")
        }
        append(.pooling2D(max: isMax, size: window, strides: stride, padding: padding))
        value.shape = [output.0, output.1, channels]
    }

    /// `GlobalMaxPool` / `GlobalAveragePool` on an NCHW image (the `[N, C, 1, 1]` result kept).
    mutating func importGlobalPooling(_ node: Onnx_NodeProto, refuse: (String) -> ONNXImportError) throws {
        guard value.isChannelsFirstImage else {
            throw refuse("expects an NCHW image, got a value of per-sample shape \(value.onnxShape)")
        }
        append(.globalPooling2D(max: node.opType == "GlobalMaxPool"))
        value.shape = [1, 1, value.shape[2]]
    }
}

extension ONNXImportAttributes {
    /// ``positiveInts(_:count:default:)`` with a whole default list.
    func positiveInts(_ name: String, count: Int, default fallback: Int?, orElse list: [Int]) throws -> [Int] {
        has(name) ? try positiveInts(name, count: count, default: fallback) : list
    }
}
