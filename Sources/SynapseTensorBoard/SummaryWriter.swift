import Foundation
import SwiftProtobuf
import Synchronization
import SynapseCore
import SynapsePlot

/// Writes scalars, histograms, images and text to a TensorBoard event file, as
/// PyTorch's `torch.utils.tensorboard.SummaryWriter` and TensorFlow's `tf.summary`.
///
/// Each writer owns one event file in `logDir` (created when missing), named
/// `events.out.tfevents.<seconds>.<host>.<pid>.<n>` as TensorBoard expects; point
/// `tensorboard --logdir` at `logDir` or a folder above it. Summaries are queued and
/// written by ``flush()`` (and by ``close()``, and when the writer is released).
///
/// ```swift
/// let writer = try SummaryWriter(logDir: "runs/mnist/train")
/// for step in 0..<100 {
///     writer.scalar("loss", 1 / Float(step + 1), step: step)
/// }
/// try writer.histogram("dense/kernel", model.layers[0].parameters[0].value, step: 100)
/// try writer.close()
/// ```
public final class SummaryWriter {
    /// The folder holding the event file.
    public let logDir: String
    /// The event file's path.
    public var path: String { records.path }

    private let records: RecordWriter
    private var isClosed = false
    /// Numbers the files this process creates, so that two writers started in the same second differ.
    private static let filesCreated = Atomic<Int>(0)

    /// Creates `logDir` (and its parents) when missing and starts a new event file in it.
    ///
    /// - Parameter logDir: the run's folder, e.g. "runs/mnist/train".
    /// - Throws: ``TensorBoardError/cannotCreateDirectory(path:reason:)`` or
    ///   ``TensorBoardError/cannotWrite(path:reason:)``.
    public init(logDir: String) throws {
        self.logDir = logDir
        try Self.createDirectory(logDir)
        let now = Date().timeIntervalSince1970
        let host = ProcessInfo.processInfo.hostName.replacingOccurrences(of: "/", with: "_")
        let sequence = Self.filesCreated.add(1, ordering: .relaxed).newValue
        let name = "events.out.tfevents.\(Int(now)).\(host).\(getpid()).\(sequence)"
        records = try RecordWriter(path: (logDir as NSString).appendingPathComponent(name))
        var header = Tensorboard_Event()
        header.wallTime = now
        header.fileVersion = "brain.Event:2"
        try append(header)
        try flush()
    }

    deinit { try? close() }

    /// Logs one number (TensorBoard's scalars dashboard).
    ///
    /// - Parameters:
    ///   - tag: the chart's name, e.g. "epoch_loss"; a "/" groups charts ("loss/train").
    ///   - value: the value; NaN and infinities are written as they are.
    ///   - step: the x coordinate (epoch or global batch index).
    public func scalar(_ tag: String, _ value: Float, step: Int) {
        var summaryValue = Tensorboard_Summary.Value()
        summaryValue.tag = tag
        summaryValue.simpleValue = value
        try? write([summaryValue], step: step)
    }

    /// Logs the distribution of a tensor's elements (histograms and distributions
    /// dashboards) in `bucketCount` equal-width buckets between its extremes.
    ///
    /// - Parameters:
    ///   - tag: the chart's name, e.g. "dense/kernel".
    ///   - values: any tensor, on any device (read to the host); non-finite elements are left out.
    ///   - step: the x coordinate.
    ///   - bucketCount: the number of buckets (default 30).
    /// - Throws: ``TensorBoardError/invalidSummary(tag:reason:)`` when no element is finite.
    public func histogram(_ tag: String, _ values: Tensor, step: Int, bucketCount: Int = 30) throws {
        let scalars = values.dtype == .float32 ? values.scalars : values.to(.float32).scalars
        guard bucketCount >= 1 else {
            throw TensorBoardError.invalidSummary(tag: tag, reason: "bucketCount must be at least 1, got \(bucketCount)")
        }
        guard let histogram = Histogram(values: scalars, bucketCount: bucketCount) else {
            throw TensorBoardError.invalidSummary(tag: tag, reason: "no finite value among \(scalars.count) elements of shape \(Shape.describe(values.shape))")
        }
        var proto = Tensorboard_HistogramProto()
        proto.min = histogram.minimum
        proto.max = histogram.maximum
        proto.num = histogram.count
        proto.sum = histogram.sum
        proto.sumSquares = histogram.sumOfSquares
        proto.bucketLimit = histogram.bucketLimits
        proto.bucket = histogram.bucketCounts
        var summaryValue = Tensorboard_Summary.Value()
        summaryValue.tag = tag
        summaryValue.histo = proto
        try write([summaryValue], step: step)
    }

    /// Logs a batch of images as one grid picture (images dashboard).
    ///
    /// - Parameters:
    ///   - tag: the picture's name, e.g. "inputs" or "reconstructions".
    ///   - images: `[N, H, W, C]` (C = 1, 3 or 4), `[N, H, W]`, or `[N, features]` with
    ///     `width` and `height`; values in [0, 1].
    ///   - step: the x coordinate (TensorBoard's step slider).
    ///   - width: the tile width of a flat batch `[N, features]` (default `nil`).
    ///   - height: the tile height of a flat batch `[N, features]` (default `nil`).
    ///   - columns: tiles per row (default 8).
    ///   - scale: each pixel drawn as a `scale × scale` block (default 2).
    /// - Throws: ``TensorBoardError/invalidSummary(tag:reason:)`` when the shape cannot be read as images.
    public func images(_ tag: String, _ images: Tensor, step: Int, width: Int? = nil, height: Int? = nil,
                       columns: Int = 8, scale: Int = 2) throws {
        let grid: ImageGrid
        do {
            grid = try ImageGrid(images: images, width: width, height: height, columns: columns, scale: scale)
        } catch {
            throw TensorBoardError.invalidSummary(tag: tag, reason: "\(error)")
        }
        try image(tag, grid.image(), step: step)
    }

    /// Logs one picture (images dashboard).
    ///
    /// - Parameters:
    ///   - tag: the picture's name.
    ///   - picture: an RGBA raster, e.g. a chart's ``/SynapsePlot/RasterImage``.
    ///   - step: the x coordinate.
    /// - Throws: ``TensorBoardError/cannotWrite(path:reason:)`` when the file cannot be written.
    public func image(_ tag: String, _ picture: RasterImage, step: Int) throws {
        var image = Tensorboard_Summary.Image()
        image.height = Int32(picture.height)
        image.width = Int32(picture.width)
        image.colorspace = 4  // RGBA
        image.encodedImageString = Data(picture.png())
        var summaryValue = Tensorboard_Summary.Value()
        summaryValue.tag = tag
        summaryValue.image = image
        try write([summaryValue], step: step)
    }

    /// Logs a text (text dashboard, which renders Markdown).
    ///
    /// - Parameters:
    ///   - tag: the text's name, e.g. "samples".
    ///   - text: UTF-8 text; Markdown is rendered.
    ///   - step: the x coordinate.
    /// - Throws: ``TensorBoardError/cannotWrite(path:reason:)`` when the file cannot be written.
    public func text(_ tag: String, _ text: String, step: Int) throws {
        var tensor = Tensorboard_TensorProto()
        tensor.dtype = .dtString
        tensor.tensorShape = Tensorboard_TensorShapeProto()
        tensor.stringVal = [Data(text.utf8)]
        var metadata = Tensorboard_SummaryMetadata()
        metadata.pluginData.pluginName = "text"
        var summaryValue = Tensorboard_Summary.Value()
        summaryValue.tag = tag
        summaryValue.metadata = metadata
        summaryValue.tensor = tensor
        try write([summaryValue], step: step)
    }

    /// Writes every queued summary to the file.
    ///
    /// - Throws: ``TensorBoardError/cannotWrite(path:reason:)``.
    public func flush() throws {
        try records.flush()
    }

    /// Flushes and stops writing; later summaries are dropped. Closing twice does nothing.
    ///
    /// - Throws: ``TensorBoardError/cannotWrite(path:reason:)`` when the last flush fails.
    public func close() throws {
        guard !isClosed else { return }
        isClosed = true
        try records.flush()
    }

    /// Creates `path` and its missing parents, naming the part that failed and why.
    private static func createDirectory(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: prefix, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else {
                    throw TensorBoardError.cannotCreateDirectory(path: path, reason: "\(prefix) exists and is not a folder")
                }
            } else if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw TensorBoardError.cannotCreateDirectory(path: path, reason: "\(prefix): \(String(cString: strerror(errno)))")
            }
            prefix += "/"
        }
    }

    private func write(_ values: [Tensorboard_Summary.Value], step: Int) throws {
        guard !isClosed else { return }
        var event = Tensorboard_Event()
        event.wallTime = Date().timeIntervalSince1970
        event.step = Int64(step)
        event.summary = Tensorboard_Summary.with { $0.value = values }
        try append(event)
    }

    private func append(_ event: Tensorboard_Event) throws {
        do {
            records.append(Array(try event.serializedBytes() as [UInt8]))
        } catch {
            throw TensorBoardError.cannotWrite(path: path, reason: "cannot encode an event: \(error)")
        }
    }
}
