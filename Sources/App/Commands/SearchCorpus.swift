import Foundation

/// Generated bilingual texts for the search benchmark: half English, half Chinese, of the lengths
/// of news articles and meeting records, from the vocabulary of environmental cooperation, with a
/// fixed seed so every run indexes the same texts.
struct SearchCorpus {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// SplitMix64.
    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    private mutating func pick(_ words: [String]) -> String { words[int(0...(words.count - 1))] }

    static let english = """
        ASEAN China environment environmental cooperation cooperate biodiversity conservation climate change adaptation mitigation \
        green development sustainable sustainability marine plastic pollution waste management water quality river basin mangrove \
        wetland forest forestry restoration ecosystem protected area species habitat urban city low carbon energy transition policy \
        dialogue partnership capacity building training workshop seminar meeting delegates ministry national focal point secretariat \
        programme project activity indicator report progress framework strategy action plan implementation monitoring evaluation \
        research knowledge exchange youth innovation technology finance investment circular economy agriculture rural community \
        coastal ocean fisheries air quality emissions chemical disaster risk resilience health education awareness public \
        participation government agency centre network member states cambodia indonesia laos malaysia myanmar philippines \
        singapore thailand vietnam brunei kunming beijing nanning decade year joint statement outcome document review
        """.split(separator: " ").map(String.init)
    static let function = "the of and to in for with on by a an as at from this that is are was were be has have it its which will their"
        .split(separator: " ").map(String.init)
    static let chinese =
        "东盟 中国 环境 合作 气候 变化 生物 多样性 保护 发展 可持续 绿色 低碳 海洋 塑料 污染 治理 废物 管理 水质 流域 红树林 湿地 森林 恢复 生态 系统 保护区 物种 城市 能源 转型 政策 对话 伙伴 关系 能力 建设 培训 研讨会 会议 代表 部门 国家 联络人 秘书处 项目 活动 指标 报告 进展 框架 战略 行动 计划 实施 监测 评估 研究 知识 交流 青年 创新 技术 金融 投资 循环 经济 农业 农村 社区 沿海 渔业 空气 排放 化学品 灾害 风险 韧性 健康 教育 意识 公众 参与 政府 机构 中心 网络 成员国 柬埔寨 印度尼西亚 老挝 马来西亚 缅甸 菲律宾 新加坡 泰国 越南 文莱 昆明 北京 南宁 十年 年度 联合 声明 成果 文件 审议"
        .split(separator: " ").map(String.init)
    static let particles = ["的", "和", "在", "与", "了", "是", "对", "将", "为", "及", "我们", "进行", "相关", "方面", "以及"]

    /// A vocabulary in Zipf's order: the most frequent words first, then the field's words spread
    /// over the first few thousand ranks (so the queries range from common to rare), then made-up
    /// words to `size`. Text drawn from it has the skewed word frequencies of real prose.
    static func vocabulary(frequent: [String], field: [String], size: Int, madeUp: (Int) -> String) -> [String] {
        var words = frequent
        var fieldIndex = 0
        var madeUpIndex = 0
        while words.count < size {
            if fieldIndex < field.count, (words.count - frequent.count) % 25 == 0 {
                words.append(field[fieldIndex])
                fieldIndex += 1
            } else {
                words.append(madeUp(madeUpIndex))
                madeUpIndex += 1
            }
        }
        return words
    }

    /// Cumulative weights of ranks 1…n under Zipf's law (s = 1.05).
    static func zipf(_ n: Int) -> [Double] {
        var total = 0.0
        return (1...n).map { rank in
            total += 1 / pow(Double(rank), 1.05)
            return total
        }
    }

    static let syllables = [
        "ka", "ro", "mi", "tan", "sel", "vo", "ri", "nek", "pa", "lu", "dor", "fe", "gi", "ham", "jo", "ze", "qui", "bar", "wen", "sto",
    ]
    static let englishWords = vocabulary(frequent: function, field: english, size: 20_000) { index in
        var word = ""
        var rest = index + 400
        while rest > 0 {
            word += syllables[rest % syllables.count]
            rest /= syllables.count
        }
        return word
    }
    static let chineseWords = vocabulary(frequent: particles, field: chinese, size: 15_000) { index in
        // Two characters of the common CJK block, every pair a different one.
        let first = Character(Unicode.Scalar(0x4E00 + (index * 7) % 3_000) ?? "一")
        let second = Character(Unicode.Scalar(0x4E00 + (index * 13 + 1_000) % 3_000) ?? "一")
        return String([first, second])
    }
    static let englishWeights = zipf(englishWords.count)
    static let chineseWeights = zipf(chineseWords.count)

    private mutating func draw(_ words: [String], _ weights: [Double]) -> String {
        let target = Double(next() % 1_000_000_000) / 1_000_000_000 * (weights.last ?? 1)
        var low = 0
        var high = weights.count - 1
        while low < high {
            let middle = (low + high) / 2
            if weights[middle] < target { low = middle + 1 } else { high = middle }
        }
        return words[low]
    }

    mutating func englishText(words: Int) -> String {
        var sentences: [String] = []
        var written = 0
        while written < words {
            let length = int(8...22)
            let sentence = (0..<length).map { _ in draw(Self.englishWords, Self.englishWeights) }
            sentences.append(sentence.joined(separator: " ").capitalizedFirst + ".")
            written += length
        }
        return sentences.joined(separator: " ")
    }

    mutating func chineseText(characters: Int) -> String {
        var text = ""
        var sentence = 0
        while text.count < characters {
            text += draw(Self.chineseWords, Self.chineseWeights)
            sentence += 1
            if sentence == int(8...16) {
                text += "。"
                sentence = 0
            } else if int(0...7) == 0 {
                text += "，"
            }
        }
        return text + "。"
    }

    mutating func document(number: Int) -> SearchDocument {
        let chinese = number % 2 == 1
        let id = UUID(
            uuid: withUnsafeBytes(of: (next(), next())) { bytes in
                var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
                withUnsafeMutableBytes(of: &raw) { $0.copyMemory(from: bytes) }
                return raw
            })
        let title = chinese ? chineseText(characters: int(10...24)) : englishText(words: int(5...11))
        let text = chinese ? chineseText(characters: int(150...1_200)) : englishText(words: int(80...600))
        return SearchDocument(
            kind: .article, recordID: id, url: "/articles/generated-\(number)", titleEn: chinese ? "" : title,
            titleZh: chinese ? title : "", text: text, year: 2015 + number % 11, language: chinese ? .zh : .en, audience: .public,
            updatedAt: Date(timeIntervalSince1970: 1_420_070_400 + Double(number) * 3_000))
    }

    /// 200 queries: 40 single Han characters, 60 two-character words, 50 English words, 25
    /// phrases, 25 mixed.
    static let queries: [String] = {
        var single: [String] = []
        for character in "环境合作气候保护发展绿色海洋污染治理生态森林湿地城市能源政策会议项目活动指标报告进展计划监测研究技术农业社区健康教育公众政府中心网络东盟"
        where single.count < 40 && !single.contains(String(character)) {
            single.append(String(character))
        }
        let pairs = chinese.filter { $0.count == 2 }.prefix(60)
        let words = english.prefix(50)
        let phrases = [
            "climate change", "marine plastic", "capacity building", "action plan", "focal point", "low carbon", "green development",
            "water quality", "river basin", "protected area", "air quality", "joint statement", "outcome document", "circular economy",
            "disaster risk", "public participation", "knowledge exchange", "member states", "national focal", "energy transition",
            "biodiversity conservation", "sustainable development", "environmental cooperation", "progress report", "ecosystem restoration",
        ].map { "\"" + $0 + "\"" }
        let mixed = [
            "ASEAN 东盟", "climate 气候", "biodiversity 生物多样性", "marine 海洋", "plastic 塑料", "green 绿色", "forest 森林", "wetland 湿地",
            "cooperation 合作", "policy 政策", "training 培训", "youth 青年", "energy 能源", "city 城市", "waste 废物", "water 水质",
            "report 报告", "meeting 会议", "Myanmar 缅甸", "Thailand 泰国", "Kunming 昆明", "carbon 低碳", "ocean 海洋", "health 健康",
            "China 中国 cooperation",
        ]
        return single + Array(pairs) + Array(words) + phrases + mixed
    }()
}

extension String {
    fileprivate var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
