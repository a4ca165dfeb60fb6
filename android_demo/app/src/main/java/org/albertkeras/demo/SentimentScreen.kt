package org.albertkeras.demo

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import org.albertkeras.demo.core.Formatting

/** Type a sentence, see the label and its score, and how long BertNLClassifier took. */
@Composable
fun SentimentScreen(modifier: Modifier = Modifier, model: SentimentViewModel = viewModel()) {
    val state by model.state.collectAsStateWithLifecycle()
    var text by rememberSaveable { mutableStateOf("a gripping, beautifully acted film") }
    Column(
        modifier = modifier.fillMaxSize().padding(16.dp).verticalScroll(rememberScrollState()),
        verticalArrangement = Arrangement.spacedBy(12.dp)
    ) {
        Text("Sentiment", style = MaterialTheme.typography.headlineSmall)
        ModelPicker(state.models, enabled = !state.busy, onSelect = model::selectMode)
        OutlinedTextField(
            value = text,
            onValueChange = { text = it },
            label = { Text("Sentence") },
            modifier = Modifier.fillMaxWidth(),
            minLines = 2
        )
        Button(
            onClick = { model.classify(text) },
            enabled = state.canRun
        ) { Text("Classify") }
        if (state.busy) LinearProgressIndicator(modifier = Modifier.fillMaxWidth())
        state.result?.let { result ->
            Text(result.line, style = MaterialTheme.typography.headlineMedium)
            result.scores.forEach {
                Text("${it.label}: ${Formatting.percent(it.score)}",
                    style = MaterialTheme.typography.bodyMedium)
            }
        }
        if (state.latency.isNotEmpty()) {
            Text("Latency: ${state.latency}", style = MaterialTheme.typography.bodySmall)
        }
        state.error?.let { Text(it, color = MaterialTheme.colorScheme.error) }
    }
}
