/*
 * Interop client for rocketmq-ts tests: drives the official Java client against a real cluster
 * (or against our mock) and prints one JSON object per line on stdout, so the TypeScript harness
 * can parse results without scraping human-oriented output.
 *
 *   produce <namesrv> <topic> <group> <count> <keyPrefix> [startIndex=600000]
 *   consume <namesrv> <topic> <group> <expected> <timeoutMs>
 *   query   <namesrv> <topic> <key> [timeoutMs=15000]
 *
 * Exit codes: 0 ok, 1 some operation failed, 2 timeout, 64 bad usage.
 * Only APIs present in both 4.9.x and 5.x clients are used, so one source compiles against both.
 */
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.QueryResult;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

public final class InteropClient {
    private InteropClient() {}

    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (Throwable t) {
            System.out.println(obj("type", "fatal", "error", String.valueOf(t)));
            code = 1;
        }
        System.out.flush();
        // The client libraries leave non-daemon threads behind; leave explicitly.
        System.exit(code);
    }

    private static int run(String[] args) throws Exception {
        if (args.length < 1) return usage();
        switch (args[0]) {
            case "produce":
                if (args.length < 6) return usage();
                return produce(args[1], args[2], args[3], Integer.parseInt(args[4]), args[5],
                        args.length > 6 ? Integer.parseInt(args[6]) : 600000);
            case "consume":
                if (args.length < 6) return usage();
                return consume(args[1], args[2], args[3], Integer.parseInt(args[4]), Long.parseLong(args[5]));
            case "query":
                if (args.length < 4) return usage();
                return query(args[1], args[2], args[3], args.length > 4 ? Long.parseLong(args[4]) : 15000L);
            default:
                return usage();
        }
    }

    private static int usage() {
        System.out.println(obj("type", "usage", "error",
                "produce <namesrv> <topic> <group> <count> <keyPrefix> [startIndex] | "
                        + "consume <namesrv> <topic> <group> <expected> <timeoutMs> | "
                        + "query <namesrv> <topic> <key> [timeoutMs]"));
        return 64;
    }

    /** Mirrors the blog's Producer: keys prefix+600000.., body "Hello RocketMQ"+i, retry-after-1s on error. */
    private static int produce(String namesrv, String topic, String group, int count, String keyPrefix, int start)
            throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer(group);
        producer.setNamesrvAddr(namesrv);
        producer.setSendMsgTimeout(10000);
        producer.start();
        int failed = 0;
        try {
            for (int i = start; i < start + count; i++) {
                String key = keyPrefix + i;
                Message msg = new Message(topic, null, key, ("Hello RocketMQ" + i).getBytes(StandardCharsets.UTF_8));
                try {
                    SendResult r = producer.send(msg);
                    System.out.println(obj("type", "send", "key", key, "status", r.getSendStatus().name(),
                            "msgId", r.getMsgId(), "offsetMsgId", r.getOffsetMsgId(),
                            "brokerName", r.getMessageQueue().getBrokerName(),
                            "queueId", r.getMessageQueue().getQueueId(), "queueOffset", r.getQueueOffset()));
                } catch (Exception e) {
                    failed++;
                    System.out.println(obj("type", "send-error", "key", key, "error", String.valueOf(e)));
                    Thread.sleep(1000);
                }
            }
        } finally {
            producer.shutdown();
        }
        System.out.println(obj("type", "end", "sent", count - failed, "failed", failed));
        return failed == 0 ? 0 : 1;
    }

    private static int consume(String namesrv, String topic, String group, int expected, long timeoutMs)
            throws Exception {
        final Set<String> seen = ConcurrentHashMap.newKeySet();
        final CountDownLatch done = new CountDownLatch(1);
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(namesrv);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                String line = obj("type", "message", "key", m.getKeys(), "msgId", m.getMsgId(),
                        "brokerName", ctx.getMessageQueue().getBrokerName(), "queueId", m.getQueueId(),
                        "queueOffset", m.getQueueOffset(), "body", new String(m.getBody(), StandardCharsets.UTF_8));
                synchronized (System.out) {
                    System.out.println(line);
                }
                if (m.getKeys() != null) seen.add(m.getKeys());
            }
            if (seen.size() >= expected) done.countDown();
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        boolean all = done.await(timeoutMs, TimeUnit.MILLISECONDS);
        consumer.shutdown();
        System.out.println(obj("type", "end", "distinctKeys", seen.size(), "expected", expected, "timedOut", !all));
        return all ? 0 : 2;
    }

    /** The index is built asynchronously after a send, so "not found" is retried until the deadline. */
    private static int query(String namesrv, String topic, String key, long timeoutMs) throws Exception {
        DefaultMQProducer admin = new DefaultMQProducer("interop_query_" + System.nanoTime());
        admin.setNamesrvAddr(namesrv);
        admin.start();
        long deadline = System.currentTimeMillis() + timeoutMs;
        String lastError = null;
        try {
            while (true) {
                try {
                    @SuppressWarnings("deprecation")
                    QueryResult qr = admin.queryMessage(topic, key, 32, 0, Long.MAX_VALUE);
                    List<MessageExt> list = qr.getMessageList();
                    if (list != null && !list.isEmpty()) {
                        for (MessageExt m : list) {
                            System.out.println(obj("type", "found", "key", m.getKeys(), "topic", m.getTopic(),
                                    "msgId", m.getMsgId(), "queueId", m.getQueueId(),
                                    "queueOffset", m.getQueueOffset(), "commitLogOffset", m.getCommitLogOffset(),
                                    "storeHost", String.valueOf(m.getStoreHost()),
                                    "body", new String(m.getBody(), StandardCharsets.UTF_8)));
                        }
                        System.out.println(obj("type", "end", "count", list.size()));
                        return 0;
                    }
                    lastError = "empty result";
                } catch (Exception e) {
                    lastError = String.valueOf(e);
                }
                if (System.currentTimeMillis() >= deadline) break;
                Thread.sleep(500);
            }
        } finally {
            admin.shutdown();
        }
        System.out.println(obj("type", "not-found", "key", key, "error", lastError));
        return 2;
    }

    /** Builds a flat JSON object from alternating name/value pairs (strings, numbers, booleans, null). */
    private static String obj(Object... kv) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i + 1 < kv.length; i += 2) {
            if (i > 0) sb.append(',');
            str(sb, String.valueOf(kv[i]));
            sb.append(':');
            Object v = kv[i + 1];
            if (v == null) sb.append("null");
            else if (v instanceof Number || v instanceof Boolean) sb.append(v);
            else str(sb, v.toString());
        }
        return sb.append('}').toString();
    }

    private static void str(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
            }
        }
        sb.append('"');
    }
}
