//! The ring receiver's USART sequences against the model.
//!
//! Sources: ST CMSIS `stm32h743xx.h` (HEAD 13ba9da: `USART_TypeDef`, the
//! `USART_CR1_*`/`USART_CR3_*`/`USART_ISR_*`/`USART_ICR_*` macros at lines
//! 20472-20853, `USARTx_BASE`), ST HAL `stm32h7xx_hal_uart.c` (HEAD
//! 6f5e35e: `HAL_UART_Init`, `UART_SetConfig`, `UART_CheckIdleState` line
//! 3342, `UART_Start_Receive_DMA`, `UART_DIV_SAMPLING16`) and
//! `stm32h7xx_hal_uart_ex.c` (`HAL_UARTEx_ReceiveToIdle_DMA`, line 893).

use dma_stm32h743::peripherals::{Usart1, Usart2, Usart3};
use dma_types::peripheral::PeripheralRequest;

use super::model::{Event, Model};
use crate::uart::regs::*;
use crate::uart::{Config, ConfigError, Instance, UartError};

pub(super) const BASE: usize = 0x4000_4800;

pub(super) fn usart_at(model: &Model) -> UsartRegisters<Model> {
    model.write_one_to_clear(BASE + ICR, BASE + ISR);
    // SAFETY: the model stands in for USART3.
    unsafe { UsartRegisters::new(model.clone(), BASE) }
}

#[test]
fn offsets_and_bits_are_the_cmsis_ones() {
    // `USART_TypeDef`: CR1 0x00, CR3 0x08, BRR 0x0C, ISR 0x1C, ICR 0x20.
    assert_eq!([CR1, CR3, BRR, ISR, ICR], [0x00, 0x08, 0x0C, 0x1C, 0x20]);
    // USART_CR1_UE_Pos 0, RE 2, TE 3, IDLEIE 4, PS 9, PCE 10, M0 12, OVER8
    // 15, M1 28.
    assert_eq!(
        [UE, RE, TE, IDLEIE, PS, PCE, M0, OVER8, M1],
        [
            1,
            1 << 2,
            1 << 3,
            1 << 4,
            1 << 9,
            1 << 10,
            1 << 12,
            1 << 15,
            1 << 28
        ]
    );
    // USART_CR3_EIE_Pos 0, DMAR 6.
    assert_eq!([EIE, DMAR], [1, 1 << 6]);
    // USART_ISR_PE_Pos 0, FE 1, NE 2, ORE 3, IDLE 4, REACK 22; USART_ICR_PECF
    // 0, FECF 1, NECF 2, ORECF 3, IDLECF 4 (the same positions).
    assert_eq!([PE, FE, NE, ORE, IDLE, REACK], [1, 2, 4, 8, 16, 1 << 22]);
}

#[test]
fn instances_are_the_cmsis_bases_of_their_request_lines() {
    // USART1_BASE = D2_APB2PERIPH_BASE + 0x1000, USART2/3_BASE =
    // D2_APB1PERIPH_BASE + 0x4400/0x4800; RDR +0x24, TDR +0x28.
    fn check<U: Instance>(base: usize) {
        assert_eq!(U::BASE, base);
        assert_eq!(<U::Rx as PeripheralRequest>::ADDRESS, base + 0x24);
        assert_eq!(<U::Tx as PeripheralRequest>::ADDRESS, base + 0x28);
    }
    check::<Usart1>(0x4001_1000);
    check::<Usart2>(0x4000_4400);
    check::<Usart3>(0x4000_4800);
}

#[test]
fn brr_is_the_hal_sampling16_divider_within_its_range() {
    let config = |baud_rate, kernel_clock| {
        Config::default()
            .with_baud_rate(baud_rate)
            .with_kernel_clock(kernel_clock)
    };
    // UART_DIV_SAMPLING16: (pclk + baud / 2) / baud; 115 200 from 64 MHz = 556.
    assert_eq!(brr(&Config::default()), Ok(556));
    assert_eq!(brr(&config(9_600, 64_000_000)), Ok(6_667));
    assert_eq!(brr(&config(4_000_000, 64_000_000)), Ok(16));
    // UART_SetConfig accepts UART_BRR_MIN 0x10 ≤ BRR ≤ UART_BRR_MAX 0xFFFF
    // (stm32h7xx_hal_uart.c lines 189-190).
    for (baud_rate, kernel_clock) in [
        (5_000_000, 64_000_000),
        (300, 64_000_000),
        (0, 64_000_000),
        (115_200, 0),
    ] {
        assert_eq!(
            brr(&config(baud_rate, kernel_clock)),
            Err(ConfigError::BaudRate {
                baud_rate,
                kernel_clock
            }),
            "{baud_rate} from {kernel_clock}"
        );
    }
}

#[test]
fn configure_follows_hal_uart_init() {
    let model = Model::new();
    model.set(BASE + CR1, UE | TE | M0 | PCE | OVER8);
    model.raise_after_reads(BASE + ISR, 3, REACK);
    let mut usart = usart_at(&model);
    assert_eq!(usart.configure(&Config::default()), Ok(()));
    let disabled = model.first_clearing(BASE + CR1, UE).unwrap();
    let brr = model.first_setting(BASE + BRR, 556).unwrap();
    let enabled = model.first_setting(BASE + CR1, UE).unwrap();
    let reack = model.position(|e| *e == Event::Read(BASE + ISR)).unwrap();
    assert!(disabled < brr && brr < enabled && enabled < reack);
    // 8N1, oversampling by 16, receiver only, and UE.
    assert_eq!(model.get(BASE + CR1), UE | RE);
    assert_eq!(model.get(BASE + BRR), 556);
    // The frame format is written while UE = 0 (UART_SetConfig).
    let format = model.first_setting(BASE + CR1, RE).unwrap();
    assert!(disabled < format && format < enabled);
}

#[test]
fn configure_gives_up_when_the_receiver_never_acknowledges() {
    let model = Model::new();
    let mut usart = usart_at(&model);
    assert_eq!(
        usart.configure(&Config::default()),
        Err(ConfigError::ReceiverNotReady)
    );
    let polls = model
        .log()
        .iter()
        .filter(|e| **e == Event::Read(BASE + ISR))
        .count();
    assert_eq!(polls, REACK_POLLS as usize);
}

#[test]
fn a_baud_rate_out_of_range_writes_no_register() {
    let model = Model::new();
    let mut usart = usart_at(&model);
    let config = Config::default().with_baud_rate(10_000_000);
    assert!(matches!(
        usart.configure(&config),
        Err(ConfigError::BaudRate { .. })
    ));
    assert!(model.log().is_empty());
}

#[test]
fn start_receive_follows_hal_receive_to_idle_dma() {
    let model = Model::new();
    let mut usart = usart_at(&model);
    model.set(BASE + ISR, ORE | FE | IDLE);
    let marks = model.clone();
    let started = usart.start_receive(move || {
        marks.mark("stream");
        7
    });
    assert_eq!(started, 7);
    // `UART_Start_Receive_DMA`: the stream, then DMAR last;
    // `HAL_UARTEx_ReceiveToIdle_DMA`: then the IDLE flag cleared.
    let stream = model.mark_at("stream").unwrap();
    let dmar = model.first_setting(BASE + CR3, DMAR).unwrap();
    let idle_cleared = model.first_setting(BASE + ICR, IDLE).unwrap();
    assert!(stream < dmar && dmar < idle_cleared);
    // Error flags of frames before the stream ran are dropped (ours: the
    // HAL reports them through its interrupt).
    let errors_cleared = model.first_setting(BASE + ICR, ORE | FE).unwrap();
    assert!(stream < errors_cleared && errors_cleared < dmar);
    assert_eq!(model.get(BASE + ISR), 0);
    // No interrupt enabled by the blocking receiver.
    assert_eq!(model.get(BASE + CR3) & EIE, 0);
    assert_eq!(model.get(BASE + CR1) & (IDLEIE | RXNEIE), 0);
    usart.stop_receive();
    assert_eq!(model.get(BASE + CR3) & DMAR, 0);
}

#[test]
fn an_async_reader_enables_the_frame_idle_and_error_interrupts() {
    // CMSIS: USART_CR1_RXNEIE_RXFNEIE_Pos 5, IDLEIE 4, USART_CR3_EIE_Pos 0.
    // ST HAL `HAL_UART_IRQHandler` (stm32h7xx_hal_uart.c line 2209) serves
    // IDLE with IDLEIE set (line 2375) and FE/NE/ORE with CR3.EIE set (lines
    // 2249-2267).
    assert_eq!(RXNEIE, 1 << 5);
    let model = Model::new();
    let mut usart = usart_at(&model);
    model.set(BASE + CR1, UE | RE);
    model.set(BASE + CR3, DMAR);
    usart.enable_interrupts();
    assert_eq!(model.get(BASE + CR1), UE | RE | RXNEIE | IDLEIE);
    assert_eq!(model.get(BASE + CR3), DMAR | EIE);
    usart.disable_interrupts();
    assert_eq!(model.get(BASE + CR1), UE | RE);
    assert_eq!(model.get(BASE + CR3), DMAR);
    usart.enable_interrupts();
    usart.stop_receive();
    assert_eq!(model.get(BASE + CR1), UE | RE);
    assert_eq!(model.get(BASE + CR3), 0);
}

#[test]
fn take_status_reports_each_flag_once_in_embassys_order() {
    let cases = [
        (PE | FE | NE | ORE | IDLE, Some(UartError::Parity), true),
        (FE | ORE, Some(UartError::Framing), false),
        (NE | ORE | IDLE, Some(UartError::Noise), true),
        (ORE, Some(UartError::Overrun), false),
        (IDLE, None, true),
        (0, None, false),
    ];
    for (flags, error, idle) in cases {
        let model = Model::new();
        let mut usart = usart_at(&model);
        model.set(BASE + ISR, flags | REACK);
        assert_eq!(
            usart.take_status(),
            Status { error, idle },
            "ISR {flags:#x}"
        );
        // Every flag it saw is cleared, REACK is not; nothing written when
        // nothing was seen.
        assert_eq!(model.get(BASE + ISR), REACK);
        assert_eq!(
            model.writes_to(BASE + ICR),
            if flags == 0 {
                std::vec![]
            } else {
                std::vec![flags]
            }
        );
        assert_eq!(
            usart.take_status(),
            Status {
                error: None,
                idle: false
            }
        );
    }
}
