import SynapseCore
import SynapseNN

extension ONNXExportContext {
    /// Explicit ONNX pads `[begin..., end...]` for a window over `input` that
    /// reproduce Synapse's geometry: "same" puts the smaller half of the padding
    /// before (as TensorFlow), so even windows match Synapse's outputs.
    ///
    /// - Returns: `nil` when the window does not fit "valid" padding.
    static func windowPads(input: (Int, Int), window: (Int, Int), strides: (Int, Int), dilation: (Int, Int),
                           padding: Padding) -> [Int]? {
        guard let geometry = WindowGeometry(inputShape: [1, input.0, input.1, 1], window: window, strides: strides,
                                            dilation: dilation, padding: padding) else { return nil }
        let effective = ((window.0 - 1) * dilation.0 + 1, (window.1 - 1) * dilation.1 + 1)
        let bottom = max(0, (geometry.outputHeight - 1) * strides.0 + effective.0 - input.0 - geometry.padTop)
        let right = max(0, (geometry.outputWidth - 1) * strides.1 + effective.1 - input.1 - geometry.padLeft)
        return [geometry.padTop, geometry.padLeft, bottom, right]
    }

    /// `Conv2D`: an NCHW `Conv` with the kernel permuted to `[out, in, kh, kw]`.
    mutating func exportConv2D(_ conv: Conv2D) throws {
        guard value.shape.count == 3 else { throw Self.refuse(conv, "expects NHWC images, got per-sample shape \(value.shape)") }
        guard let pads = Self.windowPads(input: (value.shape[0], value.shape[1]), window: conv.kernelSize,
                                         strides: conv.strides, dilation: conv.dilationRate, padding: conv.padding) else {
            throw Self.refuse(conv, "its window does not fit inputs of per-sample shape \(value.shape)")
        }
        toChannelsFirst(scope: conv.name)
        let kernel = graph.tensor(conv.kernel.value.permuted([3, 2, 0, 1]), name: "\(conv.name).kernel")
        let bias = conv.bias.map { graph.tensor($0.value, name: "\(conv.name).bias") }
        value.name = graph.node("Conv", [value.name, kernel] + (bias.map { [$0] } ?? []), scope: conv.name, attributes: [
            ("kernel_shape", .ints([conv.kernelSize.0, conv.kernelSize.1])),
            ("strides", .ints([conv.strides.0, conv.strides.1])),
            ("dilations", .ints([conv.dilationRate.0, conv.dilationRate.1])),
            ("pads", .ints(pads)),
        ])
        try exportActivation(conv.activation, scope: conv.name)
    }

    /// `Conv1D`: a one-dimensional `Conv` on `[N, C, T]`, kernel `[k, in, out]` → `[out, in, k]`.
    mutating func exportConv1D(_ conv: Conv1D) throws {
        guard value.shape.count == 2 else { throw Self.refuse(conv, "expects sequences [time, channels], got per-sample shape \(value.shape)") }
        guard let pads = Self.windowPads(input: (1, value.shape[0]), window: (1, conv.kernelSize), strides: (1, conv.strides),
                                         dilation: (1, conv.dilationRate), padding: conv.padding) else {
            throw Self.refuse(conv, "its window does not fit inputs of per-sample shape \(value.shape)")
        }
        toChannelsFirst(scope: conv.name)
        let kernel = graph.tensor(conv.kernel.value.permuted([2, 1, 0]), name: "\(conv.name).kernel")
        let bias = conv.bias.map { graph.tensor($0.value, name: "\(conv.name).bias") }
        value.name = graph.node("Conv", [value.name, kernel] + (bias.map { [$0] } ?? []), scope: conv.name, attributes: [
            ("kernel_shape", .ints([conv.kernelSize])),
            ("strides", .ints([conv.strides])),
            ("dilations", .ints([conv.dilationRate])),
            ("pads", .ints([pads[1], pads[3]])),
        ])
        try exportActivation(conv.activation, scope: conv.name)
    }

    /// `Conv2DTranspose`: `ConvTranspose` with the kernel `[kh, kw, out, in]` →
    /// `[in, out, kh, kw]`. ONNX's size is `s·(in − 1) + output_padding + span −
    /// pad_begin − pad_end`; Synapse's (Keras') sizes come from `pad_begin`, the rows
    /// the "same" convolution pads before, and the rest cropped at the end, or, when
    /// Synapse's output is longer than the full one, added as `output_padding`.
    mutating func exportConv2DTranspose(_ conv: Conv2DTranspose) throws {
        guard value.shape.count == 3 else { throw Self.refuse(conv, "expects NHWC images, got per-sample shape \(value.shape)") }
        func axis(_ input: Int, _ window: Int, _ stride: Int, _ dilation: Int, _ outputPadding: Int?) -> (begin: Int, end: Int, outputPadding: Int) {
            let output = Tensor.conv2DTransposeOutputSize(input: input, window: window, stride: stride, dilation: dilation,
                                                         padding: conv.padding, outputPadding: outputPadding)
            let full = (input - 1) * stride + (window - 1) * dilation + 1
            let begin = conv.padding == .same ? Swift.max(full - output, 0) / 2 : 0
            let end = full - output - begin
            return end >= 0 ? (begin, end, 0) : (begin, 0, -end)
        }
        let rows = axis(value.shape[0], conv.kernelSize.0, conv.strides.0, conv.dilationRate.0, conv.outputPadding?.0)
        let columns = axis(value.shape[1], conv.kernelSize.1, conv.strides.1, conv.dilationRate.1, conv.outputPadding?.1)
        toChannelsFirst(scope: conv.name)
        let kernel = graph.tensor(conv.kernel.value.permuted([3, 2, 0, 1]), name: "\(conv.name).kernel")
        let bias = conv.bias.map { graph.tensor($0.value, name: "\(conv.name).bias") }
        var attributes: [(String, ONNXAttribute)] = [
            ("kernel_shape", .ints([conv.kernelSize.0, conv.kernelSize.1])),
            ("strides", .ints([conv.strides.0, conv.strides.1])),
            ("pads", .ints([rows.begin, columns.begin, rows.end, columns.end])),
        ]
        if conv.dilationRate != (1, 1) { attributes.append(("dilations", .ints([conv.dilationRate.0, conv.dilationRate.1]))) }
        if rows.outputPadding > 0 || columns.outputPadding > 0 {
            attributes.append(("output_padding", .ints([rows.outputPadding, columns.outputPadding])))
        }
        value.name = graph.node("ConvTranspose", [value.name, kernel] + (bias.map { [$0] } ?? []), scope: conv.name,
                                attributes: attributes)
        try exportActivation(conv.activation, scope: conv.name)
    }

    /// `MaxPooling2D` / `AveragePooling2D` in NCHW; average pooling does not count
    /// padded positions (`count_include_pad = 0`), as Synapse and Keras.
    mutating func exportPooling(_ layer: Layer, op: String, poolSize: (Int, Int), strides: (Int, Int)?,
                                padding: Padding) throws {
        guard value.shape.count == 3 else { throw Self.refuse(layer, "expects NHWC images, got per-sample shape \(value.shape)") }
        let strides = strides ?? poolSize
        guard let pads = Self.windowPads(input: (value.shape[0], value.shape[1]), window: poolSize, strides: strides,
                                         dilation: (1, 1), padding: padding) else {
            throw Self.refuse(layer, "its window does not fit inputs of per-sample shape \(value.shape)")
        }
        toChannelsFirst(scope: layer.name)
        var attributes: [(String, ONNXAttribute)] = [
            ("kernel_shape", .ints([poolSize.0, poolSize.1])),
            ("strides", .ints([strides.0, strides.1])),
            ("pads", .ints(pads)),
        ]
        if op == "AveragePool" { attributes.append(("count_include_pad", .int(0))) }
        value.name = graph.node(op, [value.name], scope: layer.name, attributes: attributes)
    }

    /// `GlobalAveragePooling2D` / `GlobalMaxPooling2D`: the global op in NCHW, then
    /// `Flatten` to `[N, C]` unless `keepDims`.
    mutating func exportGlobalPooling(_ layer: Layer, op: String, keepDims: Bool) {
        toChannelsFirst(scope: layer.name)
        value.name = graph.node(op, [value.name], scope: layer.name)
        if !keepDims {
            value.name = graph.node("Flatten", [value.name], scope: layer.name, attributes: [("axis", .int(1))])
            value.channelsFirst = false
        }
    }

    /// `UpSampling2D`: nearest-neighbour `Resize` by whole factors in NCHW
    /// (`asymmetric` coordinates, `floor`: output pixel `i` copies input pixel `i / s`).
    mutating func exportUpSampling(_ layer: UpSampling2D) {
        toChannelsFirst(scope: layer.name)
        let scales = graph.floats([1, 1, Float(layer.size.0), Float(layer.size.1)], shape: [4], name: "\(layer.name).scales")
        value.name = graph.node("Resize", [value.name, "", scales], scope: layer.name, attributes: [
            ("mode", .string("nearest")),
            ("coordinate_transformation_mode", .string("asymmetric")),
            ("nearest_mode", .string("floor")),
        ])
    }

    /// `ZeroPadding2D`: a constant `Pad` in NCHW.
    mutating func exportZeroPadding(_ layer: ZeroPadding2D) {
        toChannelsFirst(scope: layer.name)
        let ((top, bottom), (left, right)) = layer.padding
        value.name = graph.node("Pad", [value.name, graph.int64s([0, 0, top, left, 0, 0, bottom, right])], scope: layer.name,
                                attributes: [("mode", .string("constant"))])
    }
}
