import Foundation
import SynapseIO

/// Images sorted into class folders, as Keras' `image_dataset_from_directory` and
/// PyTorch's `ImageFolder`:
///
///     digits/
///       0/  a.png  b.png ...
///       1/  ...
///
/// A ``Dataset``: the folder is scanned (and, by default, every file decoded once to
/// check it) when the data set is made; images are decoded and resized when a batch
/// asks for them, so a loader with `workers` decodes in the background and the
/// images never need to fit in memory together.
///
/// - Inputs: float32 `[batch, height, width, channels]` with values in 0...255 (as
///   Keras; add `Rescaling(1.0 / 255)` to the model), 1 channel for `.grayscale`, 3
///   for `.rgb`. Targets: int32 class ids `[batch]`, or float32 one-hot rows
///   `[batch, classes]` with `labelMode: .oneHot`.
/// - Class names are the subfolder names, sorted; files are sorted within a class.
///   PNG (8-bit grey, grey + alpha, RGB, RGBA) and JPEG (grey, colour) files are
///   read, recognised by their first bytes (``/SynapseIO/ImageDecoder``).
///
/// ```swift
/// let digits = try ImageFolder(URL(fileURLWithPath: "digits"), size: (28, 28), colorMode: .grayscale)
/// model.fit(DataLoader(digits, batchSize: 64, shuffle: true, workers: 2), epochs: 3)
/// ```
public struct ImageFolder: Dataset {
    /// How images become the model's channels.
    public enum ColorMode: Sendable {
        /// One channel (BT.601 luma for colour files).
        case grayscale
        /// Three channels (grey repeated for greyscale files).
        case rgb

        var channels: Int { self == .grayscale ? 1 : 3 }
    }

    /// How an image of another aspect ratio reaches `size` (Keras' options).
    public enum AspectRatio: Sendable {
        /// Resize to `size` whatever the ratio (Keras' default).
        case stretch
        /// Crop the largest centred window of the target ratio first (`crop_to_aspect_ratio`).
        case crop
        /// Pad with zeros to the target ratio first, centred (`pad_to_aspect_ratio`).
        case pad
    }

    /// How a batch gives the classes (Keras' `label_mode`).
    public enum LabelMode: Sendable {
        /// Int32 class ids `[batch]`, for `sparse_categorical_crossentropy` (Keras' `"int"`).
        case integer
        /// Float32 one-hot rows `[batch, classes]`, for `categorical_crossentropy` (Keras' `"categorical"`).
        case oneHot
    }

    /// The class names; label `i` means `classNames[i]`.
    public let classNames: [String]
    /// Every image file, in data-set order.
    public let paths: [String]
    /// The class of each file.
    public let labels: [Int32]
    /// The output size, `(height, width)`.
    public let size: (height: Int, width: Int)
    /// The output channels.
    public let colorMode: ColorMode
    /// How other aspect ratios are handled.
    public let aspectRatio: AspectRatio
    /// How batches give the classes.
    public let labelMode: LabelMode
    /// Files skipped at scanning, with the reason (only with `skipInvalidFiles`).
    public let skipped: [(path: String, reason: String)]

    /// Scans `directory`.
    ///
    /// - Parameters:
    ///   - directory: the folder holding one subfolder per class.
    ///   - size: the output `(height, width)` (Keras' default is 256 × 256).
    ///   - colorMode: `.rgb` by default.
    ///   - aspectRatio: `.stretch` by default.
    ///   - labelMode: class ids (`.integer`, the default) or one-hot rows.
    ///   - extensions: file extensions read, lower-case (default `png`, `jpg`, `jpeg`).
    ///   - verifyFiles: decode every file once now, so that a damaged one is found
    ///     before training rather than in the middle of an epoch (default true).
    ///   - skipInvalidFiles: skip (and list in ``skipped``) files that fail the check
    ///     instead of throwing (default false).
    /// - Throws: ``/SynapseIO/ImageDecodingError`` naming a damaged, truncated or unsupported file,
    ///   ``TextDataError`` naming a folder that cannot be listed or holds no classes.
    public init(_ directory: URL, size: (height: Int, width: Int) = (256, 256), colorMode: ColorMode = .rgb,
                aspectRatio: AspectRatio = .stretch, labelMode: LabelMode = .integer, extensions: Set<String> = ImageDecoder.fileExtensions, verifyFiles: Bool = true,
                skipInvalidFiles: Bool = false) throws {
        require(size.height > 0 && size.width > 0, "ImageFolder: size must be positive, got \(size)")
        var (classNames, paths, labels) = ([String](), [String](), [Int32]())
        var skipped: [(path: String, reason: String)] = []
        for (label, entry) in try ClassFolders.scan(directory, extensions: extensions).enumerated() {
            classNames.append(entry.name)
            for path in entry.files {
                if verifyFiles {
                    do {
                        _ = try Self.decode(path)
                    } catch let error as ImageDecodingError where skipInvalidFiles {
                        skipped.append((path, error.description))
                        continue
                    }
                }
                paths.append(path)
                labels.append(Int32(label))
            }
        }
        (self.classNames, self.paths, self.labels, self.skipped) = (classNames, paths, labels, skipped)
        (self.size, self.colorMode, self.aspectRatio, self.labelMode) = (size, colorMode, aspectRatio, labelMode)
    }

    /// The number of images.
    public var count: Int { paths.count }

    /// The images at `indices`, decoded, converted to ``colorMode`` and resized to ``size``.
    ///
    /// - Parameter indices: positions in `0..<count`.
    /// - Returns: float32 `[indices.count, height, width, channels]` (0...255) and the
    ///   labels as ``labelMode`` gives them.
    public func batch(at indices: [Int]) -> (x: Tensor, y: Tensor) {
        let (height, width, channels) = (size.height, size.width, colorMode.channels)
        var pixels = [Float](repeating: 0, count: indices.count * height * width * channels)
        for (position, index) in indices.enumerated() {
            let image: DecodedImage
            do {
                image = try Self.decode(paths[index])
            } catch {
                preconditionFailure("ImageFolder: \(error) (the file changed after the folder was scanned)")
            }
            pixels.withUnsafeMutableBufferPointer { buffer in
                Self.resample(image, into: buffer.baseAddress! + position * height * width * channels,
                              size: size, colorMode: colorMode, aspectRatio: aspectRatio)
            }
        }
        let classes = Tensor(int32: indices.map { labels[$0] }, shape: [indices.count])
        return (Tensor(pixels, shape: [indices.count, height, width, channels]),
                labelMode == .integer ? classes : classes.oneHot(depth: classNames.count))
    }

    /// One decoded image as the folder's batches hold it: converted to `colorMode`'s
    /// channels and resized (bilinear) to `size`, values in 0...255 — for preparing an
    /// image outside a folder (one to predict on) exactly as training saw it.
    ///
    /// - Parameters:
    ///   - image: the decoded file (``/SynapseIO/ImageDecoder``).
    ///   - size: the output `(height, width)`.
    ///   - colorMode: the output channels.
    ///   - aspectRatio: how another aspect ratio is handled (default `.stretch`).
    /// - Returns: float32 `[height, width, channels]`.
    public static func pixels(of image: DecodedImage, size: (height: Int, width: Int), colorMode: ColorMode,
                              aspectRatio: AspectRatio = .stretch) -> Tensor {
        require(size.height > 0 && size.width > 0, "ImageFolder.pixels: size must be positive, got \(size)")
        var pixels = [Float](repeating: 0, count: size.height * size.width * colorMode.channels)
        pixels.withUnsafeMutableBufferPointer { buffer in
            resample(image, into: buffer.baseAddress!, size: size, colorMode: colorMode, aspectRatio: aspectRatio)
        }
        return Tensor(pixels, shape: [size.height, size.width, colorMode.channels])
    }

    private static func resample(_ image: DecodedImage, into output: UnsafeMutablePointer<Float>,
                                 size: (height: Int, width: Int), colorMode: ColorMode, aspectRatio: AspectRatio) {
        let samples = colorMode == .grayscale ? image.grayscale() : image.rgb()
        ImageResize.resize(samples, height: image.height, width: image.width, channels: colorMode.channels,
                           into: output, height: size.height, width: size.width, aspectRatio: aspectRatio)
    }

    static func decode(_ path: String) throws -> DecodedImage {
        try ImageDecoder.decode(contentsOf: URL(fileURLWithPath: path))
    }
}
