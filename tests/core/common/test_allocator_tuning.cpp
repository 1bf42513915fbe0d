// tuneAllocatorForTensors: the C library accepts the default settings, values mallopt cannot take are
// refused, and large buffers still work afterwards.
#include "core/common/allocator_tuning.h"

#include "sanitizer_build.h"

#include <QtTest>

#include <Eigen/Core>

class TestAllocatorTuning : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        // Under AddressSanitizer malloc is ASan's, and mallopt rejects every setting (the sanitizer suite).
        if (sd::test::kAddressSanitizer) QSKIP("glibc's mallopt is replaced by AddressSanitizer's allocator");
    }
    void defaultsAreAccepted() {
        QVERIFY(sd::tuneAllocatorForTensors());
        Eigen::MatrixXd big = Eigen::MatrixXd::Constant(1000, 1000, 2.0);  // 8 MB: from the heap now
        QCOMPARE(big.sum(), 2.0e6);
    }
    void valuesBeyondIntAreRefused() {
        QVERIFY(!sd::tuneAllocatorForTensors(std::size_t(1) << 40));
        QVERIFY(!sd::tuneAllocatorForTensors(std::size_t(32) << 20, std::size_t(1) << 40));
        QVERIFY(sd::tuneAllocatorForTensors());  // and the defaults still apply afterwards
    }
};

QTEST_GUILESS_MAIN(TestAllocatorTuning)
#include "test_allocator_tuning.moc"
