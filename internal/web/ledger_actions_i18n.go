package web

import "fmt"

// ledgerActionMessages are the messages of the ledger forms in
// ledger_actions.go (timeline and accounts pages).
var ledgerActionMessages = map[string]message{
	"msg.ledger_held":      {"已存入托管账户。", "The money is now held in escrow."},
	"msg.ledger_delivered": {"已标记为已交付，验收期开始计算。", "Marked as delivered; the acceptance period has started."},
	"msg.ledger_disputed":  {"已提出异议，视为验收的期限已停止计算。", "Disputed; the deemed-acceptance clock is stopped."},
	"msg.ledger_refunded":  {"已退款给买方。", "Refunded to the buyer."},
	"msg.ledger_paid":      {"账单已支付。", "The invoice is paid."},

	"ledger.amount_yuan":     {"金额（元）", "Amount (yuan)"},
	"ledger.fund_title":      {"存入托管资金", "Fund escrow"},
	"ledger.fund_hint":       {"从本机构可用余额转入本合同托管账户。合同价款 %s，已托管 %s。", "Moves money from your available balance into this contract's escrow. Price %s, held so far %s."},
	"ledger.fund":            {"存入托管", "Fund escrow"},
	"ledger.dispute_reason":  {"异议理由", "Reason for the dispute"},
	"ledger.dispute":         {"提出异议", "Dispute"},
	"ledger.deliver_hint":    {"标记交付后，买方须在 %d 天内验收或提出异议，否则视为验收。", "Once delivered, the buyer has %d days to accept or dispute; after that the milestone is deemed accepted."},
	"ledger.deliver":         {"标记为已交付", "Mark as delivered"},
	"ledger.refund_title":    {"退款给买方", "Refund to the buyer"},
	"ledger.refund_hint":     {"从托管资金退款，或退还某节点已支付的款项（按比例追回平台服务费、经纪佣金和发明人奖励）。", "Refund unreleased escrow, or money already released for a milestone (clawed back pro rata from the platform fee, broker commissions and inventors' rewards)."},
	"ledger.refund_from":     {"退款来源", "Refund from"},
	"ledger.refund_escrow":   {"托管资金", "Escrow"},
	"ledger.refund_reason":   {"退款理由", "Reason for the refund"},
	"ledger.refund":          {"退款", "Refund"},
	"ledger.pay":             {"支付", "Pay"},
	"ledger.release_deemed":  {"立即执行视为验收", "Release deemed acceptances now"},
	"ledger.deemed_released": {"已执行视为验收：%d 个节点已付款。", "Deemed acceptance run: %d milestones released."},
	"ledger.withdraw_title":  {"提现到银行账户", "Withdraw to the bank"},
	"ledger.bank_ref":        {"银行付款参考号（可选）", "Bank payment reference (optional)"},
	"ledger.bank_ref_hint":   {"银行对账单上显示的付款参考号；留空则由平台生成（TM 开头）。", "The reference the bank statement will show; leave empty to have one generated (starting TM)."},
	"ledger.withdraw":        {"提现", "Withdraw"},
	"ledger.withdrawn":       {"已提现 %s，银行付款参考号 %s。", "Withdrew %s; bank payment reference %s."},
	"ledger.replayed_cmd":    {"（重复提交，返回原结果）", "(submitted again; the original result)"},
}

func init() {
	for id, m := range ledgerActionMessages {
		if _, dup := catalog[id]; dup {
			panic(fmt.Sprintf("web: message %q defined twice", id))
		}
		catalog[id] = m
	}
	for _, f := range []string{"ledger_held", "ledger_delivered", "ledger_disputed", "ledger_refunded", "ledger_paid"} {
		flashMessages[f] = true
	}
}
