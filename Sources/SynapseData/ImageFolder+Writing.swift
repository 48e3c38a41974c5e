import Foundation
import SynapseIO

extension ImageFolder {
    /// Writes images as PNG files sorted into class folders, the layout ``ImageFolder``
    /// (and PyTorch's `ImageFolder`, Keras' `image_dataset_from_directory`) reads:
    /// `directory/<class name>/<index>.png`, the index being the sample's position in
    /// `images`, zero-padded so that file names sort in sample order.
    ///
    /// ```swift
    /// let (x, y) = try MNIST.load(split: .test)
    /// try ImageFolder.write(x, labels: y, to: URL(fileURLWithPath: "mnist-test"))
    /// ```
    ///
    /// - Parameters:
    ///   - images: `[N, height, width]`, `[N, height, width, 1]` (grey) or
    ///     `[N, height, width, 3]` (RGB), values in `0...maximumValue`.
    ///   - labels: `[N]` integer class ids (int32, or whole floats).
    ///   - directory: the folder to write into; created when missing. Files already
    ///     there are kept, and those of the same name are replaced.
    ///   - classNames: the folder name of each class id (default: the id itself,
    ///     `"0"`, `"1"`, ...).
    ///   - maximumValue: the value written as 255 (default 1, for images scaled to
    ///     [0, 1]; 255 for raw pixel values). Values are clamped to `0...maximumValue`.
    /// - Returns: the number of files written.
    /// - Throws: ``TextDataError/unwritable(path:reason:)`` naming the file or folder
    ///   that could not be written.
    @discardableResult
    public static func write(_ images: Tensor, labels: Tensor, to directory: URL, classNames: [String]? = nil,
                             maximumValue: Float = 1) throws -> Int {
        let shape = images.shape
        require(shape.count == 3 || (shape.count == 4 && (shape[3] == 1 || shape[3] == 3)),
                "ImageFolder.write: images must be [N, height, width] or [N, height, width, 1 or 3], got \(Shape.describe(shape))")
        require(labels.shape == [shape[0]],
                "ImageFolder.write: labels must be [\(shape[0])] (one per image), got \(Shape.describe(labels.shape))")
        require(maximumValue > 0, "ImageFolder.write: maximumValue must be positive, got \(maximumValue)")
        let (count, height, width) = (shape[0], shape[1], shape[2])
        let channels = shape.count == 4 ? shape[3] : 1
        let ids = labels.to(.int32).intScalars
        let values = images.to(.float32).scalars
        let digits = String(Swift.max(count - 1, 0)).count
        let perImage = height * width * channels
        var createdFolders: Set<Int32> = []
        for index in 0..<count {
            let id = ids[index]
            let name = classNames.map { names -> String in
                require(id >= 0 && Int(id) < names.count,
                        "ImageFolder.write: label \(id) of image \(index) has no class name (\(names.count) given)")
                return names[Int(id)]
            } ?? String(id)
            let folder = directory.appendingPathComponent(name, isDirectory: true)
            if createdFolders.insert(id).inserted {
                do {
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                } catch {
                    throw TextDataError.unwritable(path: folder.path, reason: (error as NSError).localizedDescription)
                }
            }
            let scale = 255 / maximumValue
            let bytes = values[(index * perImage)..<((index + 1) * perImage)].map { value -> UInt8 in
                UInt8(Swift.min(255, Swift.max(0, (value * scale).rounded())))
            }
            let png = channels == 1
                ? PNGEncoder.encode(grayscale: bytes, width: width, height: height)
                : PNGEncoder.encode(rgba: rgba(fromRGB: bytes), width: width, height: height)
            let digitsOfIndex = String(index)
            let file = folder.appendingPathComponent(String(repeating: "0", count: digits - digitsOfIndex.count) + digitsOfIndex + ".png")
            do {
                try Data(png).write(to: file, options: .atomic)
            } catch {
                throw TextDataError.unwritable(path: file.path, reason: (error as NSError).localizedDescription)
            }
        }
        return count
    }

    /// RGB bytes with an opaque alpha byte after each pixel.
    private static func rgba(fromRGB rgb: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 255, count: rgb.count / 3 * 4)
        for pixel in 0..<(rgb.count / 3) {
            output[4 * pixel] = rgb[3 * pixel]
            output[4 * pixel + 1] = rgb[3 * pixel + 1]
            output[4 * pixel + 2] = rgb[3 * pixel + 2]
        }
        return output
    }
}
