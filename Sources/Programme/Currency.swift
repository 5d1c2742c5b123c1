/// An ISO 4217 currency: its alphabetic code and how many minor-unit digits its amounts may have.
public struct Currency: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let code: String
    public let minorUnits: Int

    /// The active currency with this code, or `nil`.
    public init?(code: String) {
        guard let units = Currency.table[code] else { return nil }
        self.code = code
        self.minorUnits = units
    }

    init(knownCode code: String, minorUnits: Int) {
        self.code = code
        self.minorUnits = minorUnits
    }

    public static let kzt = Currency(knownCode: "KZT", minorUnits: 2)
    public static let usd = Currency(knownCode: "USD", minorUnits: 2)

    public var description: String { code }
    public static func < (a: Currency, b: Currency) -> Bool { a.code < b.code }

    /// Active ISO 4217 codes (list one, as of 2025) with their minor units. Funds codes (BOV, CHE,
    /// CHW, CLF, COU, MXV, USN, UYI, UYW) are included; precious metals and testing codes are not.
    static let table: [String: Int] = {
        var t: [String: Int] = [:]
        for c in "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split(separator: " ") { t[String(c)] = 0 }
        for c in "BHD IQD JOD KWD LYD OMR TND".split(separator: " ") { t[String(c)] = 3 }
        for c in "CLF UYW".split(separator: " ") { t[String(c)] = 4 }
        let twoDigits = """
            AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD \
            CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP \
            GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD \
            MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP \
            PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT \
            TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG
            """
        for c in twoDigits.split(separator: " ") { t[String(c)] = 2 }
        return t
    }()
}

/// An exact amount in one currency.
public struct Money: Sendable, Hashable, CustomStringConvertible {
    public let amount: ExactDecimal
    public let currency: Currency

    public init(_ amount: ExactDecimal, _ currency: Currency) {
        self.amount = amount
        self.currency = currency
    }

    /// The amount with exactly the currency's minor-unit digits (as it is when it has more).
    var inMinorUnits: ExactDecimal { amount.rescaled(to: currency.minorUnits) ?? amount }

    /// The amount written with exactly the currency's minor-unit digits, as stored: `1300000000000.00`.
    public var amountText: String { inMinorUnits.description }

    /// The amount with digit grouping and the currency's minor-unit digits: `1,300,000,000,000.00`.
    public var amountGrouped: String { inMinorUnits.grouped }

    public var description: String {
        var code = currency.code
        return code.withUTF8 { inMinorUnits.text(grouped: true, prefix: $0, spaced: true) }
    }
}
