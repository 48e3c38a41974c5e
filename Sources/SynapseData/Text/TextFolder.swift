import Foundation

/// Texts sorted into class folders, as Keras' `text_dataset_from_directory`:
///
///     reviews/
///       neg/  0001.txt  0002.txt ...
///       pos/  0001.txt ...
///
/// Class names are the subfolder names, sorted (label `i` is `classNames[i]`, as in
/// Keras and PyTorch); files are read in sorted order within each class. Hidden
/// files and folders are ignored, and so are files without one of the extensions.
/// Every file must be UTF-8: one that is not is refused with its path and the
/// offset of the first bad byte, or skipped and listed, as the caller chooses.
///
/// ```swift
/// let folder = try TextFolder.load(URL(fileURLWithPath: "reviews"))
/// let (train, validation) = folder.texts.shuffled(seed: 1).split(validationFraction: 0.2)
/// tokenizer.fit(train.texts)
/// ```
public struct TextFolder: Sendable {
    /// The texts and their class labels.
    public var texts: LabeledTexts
    /// The class names; label `i` means `classNames[i]`.
    public var classNames: [String]
    /// The path of each text, in the order of `texts`.
    public var paths: [String]
    /// Files that were skipped, with the reason (only with `skipInvalidFiles`).
    public var skipped: [(path: String, reason: String)]

    /// Reads every text file of every class subfolder of `directory`.
    ///
    /// - Parameters:
    ///   - directory: the folder holding one subfolder per class.
    ///   - extensions: the file extensions read, lower-case without the dot (default `["txt"]`, as Keras).
    ///   - skipInvalidFiles: skip (and list in ``skipped``) files that cannot be read
    ///     or are not UTF-8, instead of throwing (default false).
    /// - Throws: ``TextDataError`` naming the file or folder.
    public static func load(_ directory: URL, extensions: Set<String> = ["txt"],
                            skipInvalidFiles: Bool = false) throws -> TextFolder {
        var result = TextFolder(texts: LabeledTexts(texts: [], labels: []), classNames: [], paths: [], skipped: [])
        var texts: [String] = []
        var labels: [Int] = []
        for (label, entry) in try ClassFolders.scan(directory, extensions: extensions).enumerated() {
            result.classNames.append(entry.name)
            for path in entry.files {
                do {
                    texts.append(try Self.text(at: URL(fileURLWithPath: path)))
                    labels.append(label)
                    result.paths.append(path)
                } catch let error as TextDataError where skipInvalidFiles {
                    result.skipped.append((path, error.description))
                }
            }
        }
        result.texts = LabeledTexts(texts: texts, labels: labels)
        return result
    }

    /// The UTF-8 text of one file.
    static func text(at url: URL) throws -> String {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: url))
        } catch {
            throw TextDataError.unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        var scalars = String.UnicodeScalarView()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                scalars.append(scalar)
                offset += UTF8.width(scalar)
            case .emptyInput:
                return String(scalars)
            case .error:
                throw TextDataError.invalidUTF8(path: url.path, offset: offset)
            }
        }
    }
}

extension LabeledTexts {
    /// The first `1 − validationFraction` of the examples and the rest (shuffle first
    /// with ``shuffled(seed:)`` for a random split, as Keras' `validation_split` with a `seed`).
    ///
    /// - Parameter validationFraction: the share held out, in [0, 1).
    public func split(validationFraction: Double) -> (train: LabeledTexts, validation: LabeledTexts) {
        require(validationFraction >= 0 && validationFraction < 1,
                "LabeledTexts.split: validationFraction must be in [0, 1), got \(validationFraction)")
        let kept = count - Int((Double(count) * validationFraction).rounded(.down))
        return (prefix(kept), LabeledTexts(texts: Array(texts[kept...]), labels: Array(labels[kept...])))
    }
}
