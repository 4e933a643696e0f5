/// The 17 Sustainable Development Goals of the 2030 Agenda, as reference data.
enum SustainableDevelopmentGoals {
    struct Goal: Sendable {
        let number: Int
        let titleEn: String
        let titleZh: String

        func title(_ language: Language) -> String { language == .en ? titleEn : titleZh }
    }

    static let all: [Goal] = [
        Goal(number: 1, titleEn: "No poverty", titleZh: "无贫穷"),
        Goal(number: 2, titleEn: "Zero hunger", titleZh: "零饥饿"),
        Goal(number: 3, titleEn: "Good health and well-being", titleZh: "良好健康与福祉"),
        Goal(number: 4, titleEn: "Quality education", titleZh: "优质教育"),
        Goal(number: 5, titleEn: "Gender equality", titleZh: "性别平等"),
        Goal(number: 6, titleEn: "Clean water and sanitation", titleZh: "清洁饮水和卫生设施"),
        Goal(number: 7, titleEn: "Affordable and clean energy", titleZh: "经济适用的清洁能源"),
        Goal(number: 8, titleEn: "Decent work and economic growth", titleZh: "体面工作和经济增长"),
        Goal(number: 9, titleEn: "Industry, innovation and infrastructure", titleZh: "产业、创新和基础设施"),
        Goal(number: 10, titleEn: "Reduced inequalities", titleZh: "减少不平等"),
        Goal(number: 11, titleEn: "Sustainable cities and communities", titleZh: "可持续城市和社区"),
        Goal(number: 12, titleEn: "Responsible consumption and production", titleZh: "负责任消费和生产"),
        Goal(number: 13, titleEn: "Climate action", titleZh: "气候行动"),
        Goal(number: 14, titleEn: "Life below water", titleZh: "水下生物"),
        Goal(number: 15, titleEn: "Life on land", titleZh: "陆地生物"),
        Goal(number: 16, titleEn: "Peace, justice and strong institutions", titleZh: "和平、正义与强大机构"),
        Goal(number: 17, titleEn: "Partnerships for the goals", titleZh: "促进目标实现的伙伴关系"),
    ]

    static func goal(_ number: Int) -> Goal? { all.first { $0.number == number } }
}
