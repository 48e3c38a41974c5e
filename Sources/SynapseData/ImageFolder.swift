import Foundation
import SynapseIO
#if canImport(Glibc)
import Glibc
#endif

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
///   for `.rgb`. Targets: int32 class ids `[batch]`.
/// - Class names are the subfolder names, sorted; files are sorted within a class.
///   PNG files (8-bit grey, grey + alpha, RGB, RGBA) are read.
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
    /// Files skipped at scanning, with the reason (only with `skipInvalidFiles`).
    public let skipped: [(path: String, reason: String)]

    /// Scans `directory`.
    ///
    /// - Parameters:
    ///   - directory: the folder holding one subfolder per class.
    ///   - size: the output `(height, width)` (Keras' default is 256 × 256).
    ///   - colorMode: `.rgb` by default.
    ///   - aspectRatio: `.stretch` by default.
    ///   - extensions: file extensions read, lower-case (default `["png"]`).
    ///   - verifyFiles: decode every file once now, so that a damaged one is found
    ///     before training rather than in the middle of an epoch (default true).
    ///   - skipInvalidFiles: skip (and list in ``skipped``) files that fail the check
    ///     instead of throwing (default false).
    /// - Throws: ``PNGDecodingError`` or ``TextDataError`` naming the file or folder.
    public init(_ directory: URL, size: (height: Int, width: Int) = (256, 256), colorMode: ColorMode = .rgb,
                aspectRatio: AspectRatio = .stretch, extensions: Set<String> = ["png"], verifyFiles: Bool = true,
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
                    } catch let error as PNGDecodingError where skipInvalidFiles {
                        skipped.append((path, error.description))
                        continue
                    } catch let error as TextDataError where skipInvalidFiles {
                        skipped.append((path, error.description))
                        continue
                    }
                }
                paths.append(path)
                labels.append(Int32(label))
            }
        }
        (self.classNames, self.paths, self.labels, self.skipped) = (classNames, paths, labels, skipped)
        (self.size, self.colorMode, self.aspectRatio) = (size, colorMode, aspectRatio)
    }

    public var count: Int { paths.count }

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
            let samples = colorMode == .grayscale ? image.grayscale() : image.rgb()
            pixels.withUnsafeMutableBufferPointer { buffer in
                ImageResize.resize(samples, height: image.height, width: image.width, channels: channels,
                                   into: buffer.baseAddress! + position * height * width * channels,
                                   height: height, width: width, aspectRatio: aspectRatio)
            }
        }
        return (Tensor(pixels, shape: [indices.count, height, width, channels]),
                Tensor(int32: indices.map { labels[$0] }, shape: [indices.count]))
    }

    static func decode(_ path: String) throws -> DecodedImage {
        try PNGDecoder.decode(try readFile(path), path: path)
    }

    /// The bytes of the file at `path`, read with `open`, `fstat` and `read`: for a
    /// small image, Foundation's `Data(contentsOf: URL(fileURLWithPath:))` costs more
    /// than decoding it.
    ///
    /// - Throws: ``TextDataError/unreadable(path:reason:)`` with the system's reason.
    static func readFile(_ path: String) throws -> [UInt8] {
        func failure(_ code: Int32) -> TextDataError {
            .unreadable(path: path, reason: String(cString: strerror(code)))
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure(errno) }
        let size = Int(status.st_size)
        var readError: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let result = read(descriptor, buffer.baseAddress! + count, size - count)
                if result > 0 {
                    count += result
                } else if result == 0 {
                    break   // the file shrank since fstat: what is there is all there is
                } else if errno != EINTR {
                    readError = errno
                    break
                }
            }
        }
        guard readError == 0 else { throw failure(readError) }
        return bytes
    }
}
