//! Issue 13 item 1: an end converted to an access width its data register
//! was not declared with (ADC1's data register is 16-bit only).
use dma_stm32h743::peripherals::Adc1;

fn main() {
    let adc = Adc1::take().unwrap().split();
    let _wide = adc.data.with_width::<u32>();
}
