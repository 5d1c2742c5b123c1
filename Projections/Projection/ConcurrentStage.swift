/// What a concurrent member prepared for a batch and its computing, which the member's next batch in
/// the same transaction starts from.
final class ConcurrentStage<Member: ConcurrentProjection>: @unchecked Sendable {
    let prepared: Member.Prepared
    let computed: BackgroundResult<Member.Computed>

    init(prepared: Member.Prepared, computed: BackgroundResult<Member.Computed>) {
        self.prepared = prepared
        self.computed = computed
    }
}
