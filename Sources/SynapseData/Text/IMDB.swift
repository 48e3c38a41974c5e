import Foundation

/// The IMDB movie-review sentiment data set (Maas et al. 2011; research use, cite the
/// paper), complete and as raw text, bundled in `Data/imdb` as gzip TSVs.
///
/// 25,000 training and 25,000 test reviews, labels 0 = negative, 1 = positive, half of
/// each per split. The files list all negatives, then all positives: shuffle before
/// taking a subset (`Model.fit` shuffles each epoch by itself). Unlike Keras's
/// `imdb.load_data`, the reviews are text; a ``Tokenizer`` turns them into ids.
///
/// ```swift
/// let train = try IMDB.load(split: .train)          // 25,000 texts and labels
/// var tokenizer = Tokenizer(numWords: 10_000)
/// tokenizer.fit(train.texts)
/// let x = padSequences(tokenizer.encode(train.texts), maxlen: 200)   // int32 [25000, 200]
/// ```
public enum IMDB {
    /// The folder under the data directory.
    public static let folder = "imdb"
    /// The number of reviews in each split.
    public static let splitSize = 25_000
    /// Class names, index = label.
    public static let classNames = ["negative", "positive"]

    /// The file of a split.
    ///
    /// - Parameters:
    ///   - split: `.train` or `.test`.
    ///   - dataDirectory: the folder holding `imdb/`; default `DataDirectory.default`.
    /// - Returns: `dataDirectory/imdb/imdb_<split>.tsv.gz`; the file may not exist.
    public static func url(split: DataSplit, dataDirectory: URL = DataDirectory.default) -> URL {
        dataDirectory.appendingPathComponent(folder, isDirectory: true).appendingPathComponent("imdb_\(split.rawValue).tsv.gz")
    }

    /// Loads a split: every review's text (HTML `<br />` line breaks left in) and label, in file order.
    ///
    /// - Parameters:
    ///   - split: `.train` or `.test` (25,000 reviews each).
    ///   - dataDirectory: the folder holding `imdb/`; the repository's `Data/` by default.
    /// - Throws: ``DataSetError/missingFile(dataSet:path:)``, or ``TextDataError`` naming the file when it is
    ///   damaged, truncated or not 25,000 lines of `label<TAB>id<TAB>rating<TAB>text`.
    public static func load(split: DataSplit, dataDirectory: URL = DataDirectory.default) throws -> LabeledTexts {
        let url = url(split: split, dataDirectory: dataDirectory)
        let lines = TextFile.lines(try TextFile.bytes(at: url, dataSet: "IMDB"))
        var texts: [String] = []
        var labels: [Int] = []
        texts.reserveCapacity(lines.count)
        labels.reserveCapacity(lines.count)
        let tab = UInt8(ascii: "\t")
        for (number, line) in lines.enumerated() {
            // label, id, rating, then the text (which has no tabs).
            var fields: [ArraySlice<UInt8>] = []
            var start = line.startIndex
            for index in line.indices where line[index] == tab && fields.count < 3 {
                fields.append(line[start..<index])
                start = index + 1
            }
            guard fields.count == 3 else {
                throw TextDataError.malformedLine(path: url.path, line: number + 1,
                                                  reason: "expected 4 tab-separated fields (label, id, rating, text), found \(fields.count + 1)")
            }
            guard let label = TextFile.integer(fields[0]), label == 0 || label == 1 else {
                throw TextDataError.malformedLine(path: url.path, line: number + 1,
                                                  reason: "label must be 0 or 1, found \"\(String(decoding: fields[0], as: UTF8.self))\"")
            }
            texts.append(String(decoding: line[start...], as: UTF8.self))
            labels.append(label)
        }
        guard texts.count == splitSize else {
            throw TextDataError.unexpectedCount(path: url.path, expected: splitSize, found: texts.count)
        }
        return LabeledTexts(texts: texts, labels: labels)
    }
}
